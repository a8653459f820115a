namespace TerraFlow.TerraformStandIn.Tests;

/// <summary>A throw-away Terraform working directory with helpers for the stand-in's fixture files.</summary>
public sealed class TempWorkDir : IDisposable
{
    public TempWorkDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "standin-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string StandIn => System.IO.Path.Combine(Path, ".standin");

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <c>.standin/plan.json</c>, or <c>.standin/&lt;workspace&gt;/plan.json</c>.</summary>
    public void WritePlan(string json, string? workspace = null)
        => Write(workspace is null ? [".standin", "plan.json"] : [".standin", workspace, "plan.json"], json);

    public void CopyPlanFixture(string externalRelativePath, string? workspace = null)
        => WritePlan(System.IO.File.ReadAllText(RepoPaths.ExternalFixture(externalRelativePath)), workspace);

    public void WriteBehavior(string json) => Write([".standin", "behavior.json"], json);

    public Task<StandInResult> RunAsync(params string[] args) => StandInProcess.RunAsync(Path, args);

    public Task<StandInResult> RunWithEnvAsync(IReadOnlyDictionary<string, string?> env, params string[] args)
        => StandInProcess.RunAsync(Path, args, env);

    public async Task InitAsync()
    {
        var result = await RunAsync("init", "-input=false", "-no-color");
        Assert.True(result.ExitCode == 0, $"init failed: {result.Stderr}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }

    private void Write(string[] parts, string content)
    {
        var full = File(parts);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content);
    }
}
