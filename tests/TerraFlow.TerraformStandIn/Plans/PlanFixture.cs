using System.Text;
using System.Text.Json;

namespace TerraFlow.TerraformStandIn.Plans;

/// <summary>
/// Finds and normalises the plan JSON that <c>plan</c> replays: <c>.standin/&lt;workspace&gt;/plan.json</c>,
/// then <c>.standin/plan.json</c>, else an empty "no changes" plan.
/// </summary>
internal static class PlanFixture
{
    /// <summary>Plan JSON used when no fixture exists: valid, current format, no changes, no timestamp
    /// (so the saved plan file is byte-for-byte stable).</summary>
    public static readonly string EmptyPlanJson =
        "{\"format_version\":\"1.2\",\"terraform_version\":\"" + StandInIdentity.Version + "\","
        + "\"planned_values\":{\"root_module\":{}},\"resource_changes\":[],"
        + "\"configuration\":{\"root_module\":{}},\"applyable\":false,\"complete\":true,\"errored\":false}";

    /// <returns>The fixture path that would be used, or null when the empty plan applies.</returns>
    public static string? Locate(StandInContext context, string workspace)
    {
        var perWorkspace = Path.Combine(context.StandInDirectory, workspace, "plan.json");
        if (File.Exists(perWorkspace))
        {
            return perWorkspace;
        }

        var shared = Path.Combine(context.StandInDirectory, "plan.json");
        return File.Exists(shared) ? shared : null;
    }

    /// <summary>Reads the fixture and returns it as single-line UTF-8 JSON (like <c>show -json</c>).</summary>
    /// <exception cref="InvalidDataException">The fixture is not valid JSON.</exception>
    public static byte[] Load(string? path)
    {
        if (path is null)
        {
            return Encoding.UTF8.GetBytes(EmptyPlanJson);
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"Plan fixture {path} must be a JSON object.");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Plan fixture {path} is not valid JSON: {ex.Message}", ex);
        }

        return Minify(bytes);
    }

    /// <summary>
    /// Removes insignificant whitespace without re-serialising, so every token (including escapes such as
    /// <c>\u003e</c> that Terraform emits) stays byte-identical to the fixture.
    /// </summary>
    public static byte[] Minify(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        var output = new byte[json.Length];
        var length = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                output[length++] = b;
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                inString = b == (byte)'"';
                output[length++] = b;
            }
        }

        return output.AsSpan(0, length).ToArray();
    }
}
