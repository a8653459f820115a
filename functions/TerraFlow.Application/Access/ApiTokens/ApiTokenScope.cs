namespace TerraFlow.Application.Access.ApiTokens;

/// <summary>What an API token may do: <c>read</c> (every <c>/api/*</c> read its owner may do) or <c>operate</c> (also unlock, re-plan, drift checks, cancel).</summary>
public static class ApiTokenScope
{
    public const string Read = "read";
    public const string Operate = "operate";

    /// <summary>The canonical scope for a request's text, or null when it names neither.</summary>
    public static string? Parse(string? text) => text switch
    {
        Read => Read,
        Operate => Operate,
        _ => null,
    };
}
