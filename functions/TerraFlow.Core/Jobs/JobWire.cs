using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TerraFlow.Core.Jobs;

/// <summary>The body of a job message on a broker: the job's id in the TerraFlow database and its spec (small: no artifacts).</summary>
public sealed record JobMessage(long JobId, JobSpec Spec);

/// <summary>
/// The one wire format of jobs and their results, whatever carries them: the PostgreSQL queue (jsonb columns), Service
/// Bus message bodies and the host's results drain all read and write through here, so a runner and a host built
/// from different commits agree as long as this file does. Camel-case properties, enums as snake_case text, nulls
/// left out (the PostgreSQL adapter's <c>StoreJson</c> uses these same options for everything else it stores).
/// </summary>
public static class JobWire
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <exception cref="JsonException">The text is not a <typeparamref name="T"/> in this format.</exception>
    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"null {typeof(T).Name}");

    /// <summary>A job message body or result body as UTF-8 bytes.</summary>
    public static byte[] Body<T>(T value) => Encoding.UTF8.GetBytes(Write(value));

    /// <summary>A broker body as a <typeparamref name="T"/>, or null when it is not one (a poison message, not a crash).</summary>
    public static T? TryRead<T>(ReadOnlySpan<byte> body) where T : class
    {
        try
        {
            return Read<T>(Encoding.UTF8.GetString(body));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Why the engine must not take <paramref name="result"/> (it trusts a result's shape, so a result that would make
    /// it fail forever is refused where it arrives), or null when the shape is sound.
    /// </summary>
    public static string? ResultProblem(JobResult result) => result switch
    {
        { JobId: <= 0 } => "jobId must be positive",
        { RunId: <= 0 } => "runId must be positive",
        { Kind: JobKinds.Discover, Discovery: null } => "a discover result needs 'discovery'",
        { Kind: JobKinds.Plan, Plan: null } => "a plan result needs 'plan'",
        { Kind: JobKinds.Plan, Plan.ProjectName: null or "" } => "a plan result needs 'plan.projectName'",
        // Apply results come back over the results queue too (Service Bus); refusing them would strand every apply there.
        { Kind: JobKinds.Apply, Apply: null } => "an apply result needs 'apply'",
        { Kind: JobKinds.Drift, Drift: null } => "a drift result needs 'drift'",
        { Kind: not (JobKinds.Discover or JobKinds.Plan or JobKinds.Apply or JobKinds.Drift) } => $"unknown job kind '{result.Kind}'",
        { Drift: not null, Kind: not JobKinds.Drift } => "only a drift result has 'drift'",
        { Discovery: not null, Plan: not null } or { Apply: not null, Discovery: not null } or { Apply: not null, Plan: not null }
            => "a result has exactly one of 'discovery', 'plan' and 'apply'",
        _ => null,
    };
}
