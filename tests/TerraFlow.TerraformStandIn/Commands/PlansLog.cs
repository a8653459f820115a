namespace TerraFlow.TerraformStandIn.Commands;

/// <summary>
/// Counts plans across jobs: every <c>plan</c> (scripted failures included) appends a tab-separated line — UTC time,
/// <c>dir=</c> working directory, <c>workspace=</c>, <c>exit=</c>, <c>args=</c> — to the file named by
/// <c>plans_log</c> in behavior.json and to <c>$TERRAFORM_STANDIN_PLANS_LOG</c>. A test that must know how many times
/// each project was planned (e.g. drift checks across several hosts) reads it.
/// </summary>
internal static class PlansLog
{
    public const string Variable = "TERRAFORM_STANDIN_PLANS_LOG";

    public static async Task AppendAsync(StandInContext context, IReadOnlyList<string> args, int exitCode)
    {
        var targets = new List<string>();
        try
        {
            if (Behavior.Load(context.StandInDirectory).PlansLog is { Length: > 0 } fromBehavior)
                targets.Add(Path.GetFullPath(fromBehavior, context.WorkingDirectory));
        }
        catch (InvalidDataException)
        {
            // An unreadable behavior.json already failed the plan; still count it through the environment.
        }
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment)
            targets.Add(Path.GetFullPath(fromEnvironment, context.WorkingDirectory));
        if (targets.Count == 0) return;
        var line = string.Join('\t',
            DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            "dir=" + context.WorkingDirectory, "workspace=" + context.Workspace, "exit=" + exitCode, "args=" + string.Join(' ', args)) + "\n";
        foreach (var target in targets)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // Runners started as root run each job as a fresh uid: the log must stay appendable by the next job's uid.
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = (UnixFileMode)0b110_110_110;
            await using (var stream = new FileStream(target, options))
            await using (var writer = new StreamWriter(stream))
                await writer.WriteAsync(line);
            try
            {
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, (UnixFileMode)0b110_110_110);
            }
            catch (UnauthorizedAccessException) { /* another uid created it, already 0666 */ }
        }
    }
}
