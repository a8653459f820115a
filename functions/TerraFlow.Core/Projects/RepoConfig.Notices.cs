namespace TerraFlow.Core.Projects;

public sealed partial record RepoConfig
{
    /// <summary>
    /// Things the file says that TerraFlow does not do (e.g. <c>workflows</c> in an <c>atlantis.yaml</c>), as markdown
    /// sentences for the pull request's comment; repository text in them is in code spans. Empty for most files.
    /// </summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}
