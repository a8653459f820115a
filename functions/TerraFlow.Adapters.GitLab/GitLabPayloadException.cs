namespace TerraFlow.Adapters.GitLab;

/// <summary>The GitLab webhook body is not a payload we can read (bad JSON, missing field). Hosts answer 400.</summary>
public sealed class GitLabPayloadException : Exception
{
    public GitLabPayloadException(string message) : base(message) { }

    public GitLabPayloadException(string message, Exception inner) : base(message, inner) { }
}
