namespace TerraFlow.Integration.Tests.Infrastructure;

/// <summary>
/// A test folder that the runner's jobs may write to. Run as root (CI), the runner starts Terraform as a fresh
/// unprivileged uid per job, so a file the stand-in appends to outside the job's clone (an applies log) must live in
/// a folder anyone can write, like /tmp itself (sticky, 1777).
/// </summary>
public static class JobWritableFolder
{
    public static string Create(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, (UnixFileMode)0b1_111_111_111); // 1777
        return path;
    }
}
