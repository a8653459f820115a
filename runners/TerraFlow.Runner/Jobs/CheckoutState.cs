namespace TerraFlow.Runner.Jobs;

/// <summary>
/// Finds state that Terraform's local backend wrote into the job's checkout: a project without a backend block (or
/// with a relative <c>path</c>) keeps <c>terraform.tfstate</c> in its folder, and non-default workspaces keep theirs
/// under <c>terraform.tfstate.d/</c>. Every job clones afresh and its folder is deleted afterwards, so that state is
/// lost with it and the next plan would create everything again. Found with the real Terraform in the tests; the
/// stand-in never writes state.
/// </summary>
/// <remarks>
/// Only names are checked, contents are never read: the files were written by the pull request's code, which could
/// have made them links to files only the runner may read.
/// </remarks>
internal static class CheckoutState
{
    /// <summary>A warning naming the state files inside the checkout, or null when there are none.</summary>
    public static string? Warning(string checkoutRoot, string projectDir)
    {
        var files = new List<string>();
        var state = Path.Combine(projectDir, "terraform.tfstate");
        if (File.Exists(state)) files.Add(state);
        var workspaces = Path.Combine(projectDir, "terraform.tfstate.d");
        if (Directory.Exists(workspaces) && new DirectoryInfo(workspaces).LinkTarget is null)
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, MaxRecursionDepth = 2 };
            files.AddRange(Directory.EnumerateFiles(workspaces, "terraform.tfstate", options).Order(StringComparer.Ordinal));
        }
        if (files.Count == 0) return null;
        var names = string.Join(", ", files.Select(f => Path.GetRelativePath(checkoutRoot, f).Replace('\\', '/')));
        return $"⚠️ TerraFlow: Terraform wrote its state into the checkout ({names}): the project has no backend, or a local "
            + "backend with a relative path. The checkout is deleted after this job, so this state is lost and the next plan "
            + "will not know what was applied. Configure a remote backend, or a local backend with an absolute path on a "
            + "disk the runner keeps.";
    }
}
