using System.Security.Cryptography;

namespace TerraFlow.Adapters.Tests.GitHub;

/// <summary>A throwaway GitHub App key pair, written as PEM to a temp file the way GitHub hands it out (PKCS#1).</summary>
internal sealed class TestAppKey : IDisposable
{
    public const long AppId = 424242;

    public TestAppKey()
    {
        Rsa = RSA.Create(2048);
        PrivateKeyPath = Path.Combine(Path.GetTempPath(), $"terraflow-test-app-{Guid.NewGuid():N}.pem");
        File.WriteAllText(PrivateKeyPath, Rsa.ExportRSAPrivateKeyPem());
        PublicKey = RSA.Create();
        PublicKey.ImportFromPem(Rsa.ExportSubjectPublicKeyInfoPem());
    }

    public RSA Rsa { get; }

    /// <summary>Only the public half, as the fake server (GitHub) would hold it.</summary>
    public RSA PublicKey { get; }

    public string PrivateKeyPath { get; }

    public void Dispose()
    {
        File.Delete(PrivateKeyPath);
        Rsa.Dispose();
        PublicKey.Dispose();
    }
}
