using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using TerraFlow.Integration.Tests.RealTerraform;
using TerraFlow.Runner.Providers;

namespace TerraFlow.Integration.Tests.ProviderCaching;

/// <summary>
/// Stands in for a provider registry, which is not reachable here: a filesystem mirror in Terraform's packed layout
/// (<c>HOST/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip</c>), each zip holding an executable
/// <c>terraform-provider-TYPE_vVERSION</c> (a shell script plus random bytes, so every package has its own hashes).
/// Lock files come from the real <c>terraform providers lock -fs-mirror</c>, so their <c>h1:</c> hashes are
/// Terraform's own, not the runner's.
/// </summary>
public sealed class FakeProviderRegistry
{
    public const string Host = "providers.terraflow.test";

    public FakeProviderRegistry(string root) => Root = Directory.CreateDirectory(root).FullName;

    /// <summary>The mirror folder: the upstream the runner's cache fetches from.</summary>
    public string Root { get; }

    public static string Address(string type) => $"{Host}/fake/{type}";

    /// <summary>Adds a package; returns the provider binary's bytes (what a genuine install must contain).</summary>
    public byte[] Add(string type, string version, int paddingBytes = 200_000)
    {
        var binary = Encoding.UTF8.GetBytes($"#!/bin/sh\necho 'fake provider {type} {version}'\nexit 1\n# ")
            .Concat(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(paddingBytes)))).ToArray();
        var folder = Directory.CreateDirectory(Path.Combine(Root, Host, "fake", type)).FullName;
        using (var zip = ZipFile.Open(Path.Combine(folder, $"terraform-provider-{type}_{version}_{ProviderCache.Platform}.zip"), ZipArchiveMode.Create))
        {
            var entry = zip.CreateEntry($"terraform-provider-{type}_v{version}");
            // Unix mode 0755 in the upper half of the external attributes (what `zip` writes for an executable).
            entry.ExternalAttributes = unchecked((int)(0x81EDu << 16));
            using var stream = entry.Open();
            stream.Write(binary);
        }
        return binary;
    }

    /// <summary>A project configuration requiring <paramref name="providers"/> (type, exact version).</summary>
    public static string Configuration(params (string Type, string Version)[] providers)
    {
        var text = new StringBuilder("terraform {\n  required_providers {\n");
        foreach (var (type, version) in providers)
            text.Append("    ").Append(type).Append(" = {\n      source  = \"").Append(Address(type)).Append("\"\n      version = \"").Append(version).Append("\"\n    }\n");
        return text.Append("  }\n}\n").ToString();
    }

    /// <summary>The lock file the real Terraform writes for <paramref name="configuration"/> from this mirror.</summary>
    public string LockFile(string configuration)
    {
        var dir = Directory.CreateTempSubdirectory("terraflow-lock-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "main.tf"), configuration);
            var psi = new ProcessStartInfo(RealTerraformBinary.Path) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "providers", "lock", "-no-color", "-fs-mirror=" + Root, "-platform=" + ProviderCache.Platform }) psi.ArgumentList.Add(arg);
            psi.Environment["CHECKPOINT_DISABLE"] = "1";
            psi.Environment["TF_CLI_CONFIG_FILE"] = "/dev/null";
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit(60_000);
            Assert.True(process.ExitCode == 0, $"terraform providers lock failed: {stdout.Result}{stderr}");
            return File.ReadAllText(Path.Combine(dir, ".terraform.lock.hcl"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The <c>zh:</c> hash (SHA-256 of the zip) of a package, as registries publish it.</summary>
    public string ZipHash(string type, string version) =>
        "zh:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Root, Host, "fake", type, $"terraform-provider-{type}_{version}_{ProviderCache.Platform}.zip"))));
}
