using System.Text.Json;
using TerraFlow.Adapters.Webhooks.Validation;

namespace TerraFlow.Adapters.Webhooks;

/// <summary>
/// Reads dotted paths ("pull_request.head.sha", "object_attributes.iid") out of a webhook payload (GitHub or GitLab)
/// and fails with a message that names the missing field, so a 400 answer tells the sender exactly what was wrong.
/// Every value is validated as it is read (see Validation/): a string is a bounded token without control characters
/// unless read as <see cref="Text"/>, names, SHAs, URLs and numbers have their own rules, so nothing that leaves this
/// type can make PostgreSQL, git or an HTTP client fail.
/// </summary>
/// <param name="source">Names the payload in messages, e.g. "GitHub 'pull_request'".</param>
/// <param name="error">Makes the provider's payload exception, which its endpoint turns into a 400.</param>
internal readonly struct WebhookJson(JsonElement root, string source, Func<string, Exception> error)
{
    public JsonElement Root => root;

    public JsonElement? Find(string path)
    {
        var current = root;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out var next)
                || next.ValueKind == JsonValueKind.Null)
                return null;
            current = next;
        }
        return current;
    }

    public bool Has(string path) => Find(path) is not null;

    /// <summary>A short string (action, state, kind): see <see cref="WebhookText.TokenProblem"/>.</summary>
    public string String(string path) => Checked(path, RawString(path), WebhookText.TokenProblem);

    /// <summary>A string that may be absent or null (a comment body can be empty, a ping may lack fields).</summary>
    public string? OptionalString(string path) => Has(path) ? String(path) : null;

    /// <summary>Free text such as a comment body: any length up to the body limit, no NUL.</summary>
    public string Text(string path) => Checked(path, RawString(path), WebhookText.TextProblem);

    public string? OptionalText(string path) => Has(path) ? Text(path) : null;

    public string Account(string path) => Checked(path, RawString(path), WebhookNames.AccountProblem);

    public string Repository(string path) => Checked(path, RawString(path), WebhookNames.RepositoryProblem);

    public string Branch(string path) => Checked(path, RawString(path), WebhookNames.BranchProblem);

    public string Sha(string path) => Checked(path, RawString(path), CommitShas.Problem);

    public string Url(string path) => Checked(path, RawString(path), WebhookUrls.Problem);

    /// <summary>Where to clone from: see <see cref="WebhookUrls.CloneSourceProblem"/>.</summary>
    public string CloneUrl(string path) => Checked(path, RawString(path), WebhookUrls.CloneSourceProblem);

    /// <summary>Runs <paramref name="rule"/> on a value read some other way (e.g. from an array) and names the field.</summary>
    public string Checked(string path, string value, Func<string, string?> rule) =>
        rule(value) is { } problem ? throw error($"{source} payload field '{path}' {problem}.") : value;

    private string RawString(string path)
    {
        var value = Find(path) ?? throw Missing(path);
        if (value.ValueKind != JsonValueKind.String) throw WrongType(path, "a string");
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // WebhookDocument refuses such bodies up front; this keeps a decoding failure a 400 whatever the caller.
            throw error($"{source} payload field '{path}' is not valid text (a lone UTF-16 surrogate).");
        }
    }

    public long Int64(string path)
    {
        var value = Find(path) ?? throw Missing(path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : throw WrongType(path, "an integer");
    }

    public int Int32(string path)
    {
        var value = Find(path) ?? throw Missing(path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : throw WrongType(path, "an integer");
    }

    /// <summary>A pull/merge request number: see <see cref="WebhookNumbers.NumberProblem"/>.</summary>
    public int PositiveInt32(string path)
    {
        var value = Find(path) ?? throw Missing(path);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n)) throw WrongType(path, "an integer");
        return WebhookNumbers.NumberProblem(n) is { } problem ? throw error($"{source} payload field '{path}' {problem}.") : (int)n;
    }

    /// <summary>An object id: see <see cref="WebhookNumbers.IdProblem"/>.</summary>
    public long PositiveInt64(string path) =>
        Int64(path) is var n && WebhookNumbers.IdProblem(n) is { } problem ? throw error($"{source} payload field '{path}' {problem}.") : n;

    public long? OptionalInt64(string path) => Has(path) ? Int64(path) : null;

    public long? OptionalPositiveInt64(string path) => Has(path) ? PositiveInt64(path) : null;

    public bool OptionalBool(string path, bool fallback)
    {
        var value = Find(path);
        if (value is null) return fallback;
        return value.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(path, "a boolean"),
        };
    }

    public Exception Missing(string path) => error($"{source} payload is missing required field '{path}'.");

    private Exception WrongType(string path, string expected) => error($"{source} payload field '{path}' is not {expected}.");
}
