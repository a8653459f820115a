namespace TerraFlow.ConftestStandIn.Tests;

/// <summary>
/// Finds the stand-in executables built with this test assembly's configuration
/// (…/bin/&lt;Configuration&gt;/net10.0/ → tests/&lt;stand-in&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;apphost&gt;).
/// A missing build fails the test with a clear message.
/// </summary>
internal static class StandIns
{
    public static string Conftest => AppHost("TerraFlow.ConftestStandIn", "conftest");

    public static string Terraform => AppHost("TerraFlow.TerraformStandIn", "terraform");

    private static string AppHost(string project, string name)
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = baseDir.Name;
        var configuration = baseDir.Parent?.Name ?? "Debug";
        var file = OperatingSystem.IsWindows() ? name + ".exe" : name;
        var path = Path.Combine(Root, "tests", project, "bin", configuration, framework, file);
        Assert.True(File.Exists(path), $"The stand-in is not built at {path}; build tests/{project} first.");
        return path;
    }

    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "TerraFlow.sln"))) return dir.FullName;
            Assert.Fail($"No directory containing TerraFlow.sln above {AppContext.BaseDirectory}.");
            return "";
        }
    }
}

/// <summary>
/// A temporary folder deleted after the test. Readable by others (0755, not CreateTempSubdirectory's 0700): a runner
/// running as root clones a local repository as the job's unprivileged uid.
/// </summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Readable(Directory.CreateTempSubdirectory("terraflow-policy-").FullName);

    private static string Readable(string path)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class Plans
{
    /// <summary>A key vault deleted, a secret replaced, a resource group updated, a storage account created.</summary>
    public const string KeyVault = """
        {
          "format_version": "1.2",
          "terraform_version": "1.9.8",
          "resource_changes": [
            { "address": "azurerm_key_vault.main", "mode": "managed", "type": "azurerm_key_vault", "name": "main",
              "change": { "actions": ["delete"], "before": { "name": "kv" }, "after": null, "after_unknown": {} } },
            { "address": "module.secrets.azurerm_key_vault_secret.db", "module_address": "module.secrets", "mode": "managed", "type": "azurerm_key_vault_secret", "name": "db",
              "change": { "actions": ["delete", "create"], "before": { "name": "db" }, "after": { "name": "db" }, "after_unknown": { "id": true } } },
            { "address": "azurerm_resource_group.rg", "mode": "managed", "type": "azurerm_resource_group", "name": "rg",
              "change": { "actions": ["update"], "before": { "location": "westeurope", "tags": {} }, "after": { "location": "westeurope", "tags": { "owner": "a" } }, "after_unknown": {} } },
            { "address": "azurerm_storage_account.logs", "mode": "managed", "type": "azurerm_storage_account", "name": "logs",
              "change": { "actions": ["create"], "before": null, "after": { "location": "eastus", "tags": {} }, "after_unknown": { "id": true } } }
          ]
        }
        """;
}
