using System.Text.Json;

namespace TerraFlow.TerraformStandIn;

/// <summary>
/// The optional <c>.standin/behavior.json</c> script that lets tests force failures, output and slowness.
/// Keys are <c>&lt;command&gt;_exit</c>, <c>&lt;command&gt;_stderr</c>, <c>&lt;command&gt;_stdout</c>,
/// <c>&lt;command&gt;_delay_ms</c> (command = init, plan, apply), <c>print_env</c> and <c>applies_log</c>.
/// </summary>
internal sealed class Behavior
{
    private readonly Dictionary<string, JsonElement> _properties;

    private Behavior(Dictionary<string, JsonElement> properties) => _properties = properties;

    public static Behavior Empty { get; } = new(new Dictionary<string, JsonElement>(StringComparer.Ordinal));

    /// <summary>Names of environment variables whose values are echoed to stdout (secret-masking tests).</summary>
    public IReadOnlyList<string> PrintEnv
        => _properties.TryGetValue("print_env", out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];

    /// <summary>Loads the behaviour file; a missing file means "behave normally".</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a JSON object.</exception>
    public static Behavior Load(string standInDirectory)
    {
        var path = Path.Combine(standInDirectory, "behavior.json");
        if (!File.Exists(path))
        {
            return Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path} must contain a JSON object.");
            }

            var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                properties[property.Name] = property.Value.Clone();
            }

            return new Behavior(properties);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// An extra file (absolute path) that every successful apply appends its line to. The working directory is
    /// usually a runner's throw-away clone, so a test that must count applies across jobs points this outside it.
    /// </summary>
    public string? AppliesLog => Text("applies_log");

    /// <summary>An extra file (absolute path) every <c>plan</c> appends one line to, whatever its exit code (see Commands/PlansLog).</summary>
    public string? PlansLog => Text("plans_log");

    public int? ExitCode(string command) => Int($"{command}_exit");

    public int DelayMilliseconds(string command) => Int($"{command}_delay_ms") ?? 0;

    public string? Stderr(string command) => Text($"{command}_stderr");

    public string? Stdout(string command) => Text($"{command}_stdout");

    private int? Int(string key)
        => _properties.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : null;

    private string? Text(string key)
        => _properties.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
