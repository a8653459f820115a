using System.Text.Json;

namespace TerraFlow.TerraformStandIn.Plans;

/// <summary>Terraform's plan actions, as the JSON <c>actions</c> arrays map to them.</summary>
internal enum ChangeKind
{
    NoOp,
    Create,
    Read,
    Update,
    DeleteThenCreate,
    CreateThenDelete,
    Delete,
    Forget,
}

/// <summary>One entry of <c>resource_changes</c>; <see cref="Change"/> is the raw <c>change</c> object.</summary>
internal sealed record ResourceChangeView(
    string Address,
    string? PreviousAddress,
    string Mode,
    string Type,
    string Name,
    ChangeKind Kind,
    string? ActionReason,
    bool Importing,
    JsonElement Change)
{
    public bool IsReplace => Kind is ChangeKind.DeleteThenCreate or ChangeKind.CreateThenDelete;

    public bool IsMoved => PreviousAddress is not null && PreviousAddress != Address;

    /// <summary>Whether this entry counts as a change for <c>-detailed-exitcode</c> and the plan text.</summary>
    public bool IsChange => Kind is not (ChangeKind.NoOp or ChangeKind.Read) || IsMoved || Importing;
}

/// <summary>One entry of <c>output_changes</c>.</summary>
internal sealed record OutputChangeView(string Name, ChangeKind Kind, JsonElement Change);

/// <summary>The parts of a <c>terraform show -json</c> plan that the stand-in renders and counts.</summary>
internal sealed class PlanModel : IDisposable
{
    private readonly JsonDocument _document;

    private PlanModel(JsonDocument document, List<ResourceChangeView> resources, List<OutputChangeView> outputs)
    {
        _document = document;
        Resources = resources;
        Outputs = outputs;
    }

    public IReadOnlyList<ResourceChangeView> Resources { get; }

    public IReadOnlyList<OutputChangeView> Outputs { get; }

    public int ToAdd => Resources.Count(r => r.Kind == ChangeKind.Create || r.IsReplace);

    public int ToChange => Resources.Count(r => r.Kind == ChangeKind.Update);

    public int ToDestroy => Resources.Count(r => r.Kind == ChangeKind.Delete || r.IsReplace);

    public int ToImport => Resources.Count(r => r.Importing);

    public int ToForget => Resources.Count(r => r.Kind == ChangeKind.Forget);

    public bool HasResourceChanges => Resources.Any(r => r.IsChange);

    public bool HasOutputChanges => Outputs.Any(o => o.Kind != ChangeKind.NoOp);

    /// <summary>What decides exit code 2 under <c>-detailed-exitcode</c>.</summary>
    public bool HasChanges => HasResourceChanges || HasOutputChanges;

    /// <exception cref="InvalidDataException">The JSON is not a plan the stand-in understands.</exception>
    public static PlanModel Parse(byte[] planJson)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(planJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"plan JSON is invalid: {ex.Message}", ex);
        }

        try
        {
            var root = document.RootElement;
            var resources = new List<ResourceChangeView>();
            if (root.TryGetProperty("resource_changes", out var changes) && changes.ValueKind == JsonValueKind.Array)
            {
                resources.AddRange(changes.EnumerateArray().Select(ParseResource));
            }

            var outputs = new List<OutputChangeView>();
            if (root.TryGetProperty("output_changes", out var outs) && outs.ValueKind == JsonValueKind.Object)
            {
                outputs.AddRange(outs.EnumerateObject()
                    .Select(o => new OutputChangeView(o.Name, ParseActions(o.Value, o.Name), o.Value)));
            }

            return new PlanModel(document, resources, outputs);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    public void Dispose() => _document.Dispose();

    private static ResourceChangeView ParseResource(JsonElement element)
    {
        var address = String(element, "address") ?? throw new InvalidDataException("resource_changes entry without \"address\".");
        if (!element.TryGetProperty("change", out var change) || change.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"resource change {address} has no \"change\" object.");
        }

        var importing = change.TryGetProperty("importing", out var imp) && imp.ValueKind == JsonValueKind.Object;
        return new ResourceChangeView(
            address,
            String(element, "previous_address"),
            String(element, "mode") ?? "managed",
            String(element, "type") ?? string.Empty,
            String(element, "name") ?? string.Empty,
            ParseActions(change, address),
            String(element, "action_reason"),
            importing,
            change);
    }

    private static ChangeKind ParseActions(JsonElement change, string owner)
    {
        if (!change.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"change of {owner} has no \"actions\" array.");
        }

        var joined = string.Join(',', actions.EnumerateArray().Select(a => a.GetString()));
        return joined switch
        {
            "no-op" => ChangeKind.NoOp,
            "create" => ChangeKind.Create,
            "read" => ChangeKind.Read,
            "update" => ChangeKind.Update,
            "delete,create" => ChangeKind.DeleteThenCreate,
            "create,delete" => ChangeKind.CreateThenDelete,
            "delete" => ChangeKind.Delete,
            "forget" => ChangeKind.Forget,
            _ => throw new InvalidDataException($"change of {owner} has unsupported actions [{joined}]."),
        };
    }

    private static string? String(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
