namespace TerraFlow.Functions.CustomHandler;

/// <summary>
/// <c>TerraFlow.Functions --write-function-metadata &lt;dir&gt;</c>: writes the function folders and exits without
/// configuration, database or web server. The publish target runs it on the published binaries.
/// </summary>
internal static class FunctionMetadataCommand
{
    public const string Option = "--write-function-metadata";

    /// <summary>The process exit code when <paramref name="args"/> asks for this command; null otherwise.</summary>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] != Option) return null;
        if (args.Length != 2 || string.IsNullOrWhiteSpace(args[1]))
        {
            error.WriteLine($"usage: TerraFlow.Functions {Option} <function app folder>");
            return 2;
        }
        var root = Path.GetFullPath(args[1]);
        foreach (var file in FunctionJsonWriter.Write(root))
            output.WriteLine($"wrote {Path.GetRelativePath(root, file)}");
        return 0;
    }
}
