using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>
/// Reads one entry of <c>resource_changes</c>/<c>resource_drift</c>, or one value of <c>output_changes</c>.
/// The caller guarantees the whole entry is in the reader's buffer, so every Read here succeeds on valid JSON.
/// </summary>
internal sealed class ChangeEntryReader
{
    private readonly AttributeDiffBuilder _diffs = new();

    /// <summary>Reader is on the entry's StartObject; leaves it on the matching EndObject.</summary>
    /// <param name="json">The bytes the reader was created over; value positions are recorded against them.</param>
    public ResourceChange ReadResourceChange(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string section, int index)
    {
        string? address = null, moduleAddress = null, mode = null, type = null, name = null, actionReason = null, previousAddress = null;
        ChangeAction? action = null;
        ImportFacts import = default;
        var ranges = new ChangeValueRanges();
        var where = new EntryLocation(section, index);

        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("address"u8)) address = ReadString(ref reader, where, "address");
            else if (reader.ValueTextEquals("module_address"u8)) moduleAddress = ReadString(ref reader, where, "module_address");
            else if (reader.ValueTextEquals("mode"u8)) mode = ReadString(ref reader, where, "mode");
            else if (reader.ValueTextEquals("type"u8)) type = ReadString(ref reader, where, "type");
            else if (reader.ValueTextEquals("name"u8)) name = ReadString(ref reader, where, "name");
            else if (reader.ValueTextEquals("action_reason"u8)) actionReason = ReadString(ref reader, where, "action_reason");
            else if (reader.ValueTextEquals("previous_address"u8)) previousAddress = ReadString(ref reader, where, "previous_address");
            else if (reader.ValueTextEquals("change"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new PlanFormatException($"{where}: \"change\" must be an object.");
                }
                action = ReadChange(ref reader, ref ranges, ref import, where);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        where = where with { Key = address };
        if (address is null || mode is null || type is null || name is null)
        {
            throw new PlanFormatException(
                $"{where}: a resource change needs \"address\", \"mode\", \"type\" and \"name\".");
        }
        if (action is null)
        {
            throw new PlanFormatException($"{where}: missing \"change.actions\".");
        }

        // No-op and read entries carry no change worth listing; skipping them saves most of the work on big plans.
        IReadOnlyList<AttributeDiff> diffs = action is ChangeAction.NoOp or ChangeAction.Read
            ? []
            : _diffs.Build(json, ranges);
        return new ResourceChange(address, moduleAddress, mode, type, name, action.Value, actionReason, diffs)
        {
            PreviousAddress = previousAddress,
            Importing = import.Importing,
            ImportId = import.Id,
        };
    }

    /// <summary>Reader is on the output's StartObject; leaves it on the matching EndObject.</summary>
    public static OutputChange ReadOutputChange(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string name)
    {
        var where = new EntryLocation("output_changes", 0, name);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new PlanFormatException($"{where} must be an object.");
        }
        ChangeAction? action = null;
        var ranges = new ChangeValueRanges();
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("actions"u8))
            {
                reader.Read();
                action = ChangeActionReader.Read(ref reader, where);
            }
            else if (reader.ValueTextEquals("before_sensitive"u8)) ranges.BeforeSensitive = RecordValue(ref reader);
            else if (reader.ValueTextEquals("after_sensitive"u8)) ranges.AfterSensitive = RecordValue(ref reader);
            else SkipValue(ref reader);
        }
        if (action is null)
        {
            throw new PlanFormatException($"{where}: missing \"actions\".");
        }
        bool sensitive = PathSet.MarksAnything(json, ranges.BeforeSensitive)
            || PathSet.MarksAnything(json, ranges.AfterSensitive);
        return new OutputChange(name, action.Value, sensitive);
    }

    private static ChangeAction? ReadChange(ref Utf8JsonReader reader, ref ChangeValueRanges ranges, ref ImportFacts import, EntryLocation where)
    {
        ChangeAction? action = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("actions"u8))
            {
                reader.Read();
                action = ChangeActionReader.Read(ref reader, where);
            }
            else if (reader.ValueTextEquals("before"u8)) ranges.Before = RecordValue(ref reader);
            else if (reader.ValueTextEquals("after"u8)) ranges.After = RecordValue(ref reader);
            else if (reader.ValueTextEquals("after_unknown"u8)) ranges.AfterUnknown = RecordValue(ref reader);
            else if (reader.ValueTextEquals("before_sensitive"u8)) ranges.BeforeSensitive = RecordValue(ref reader);
            else if (reader.ValueTextEquals("after_sensitive"u8)) ranges.AfterSensitive = RecordValue(ref reader);
            else if (reader.ValueTextEquals("importing"u8)) import = ReadImporting(ref reader, where);
            else SkipValue(ref reader);
        }
        return action;
    }

    /// <summary>
    /// <c>change.importing</c> (Terraform 1.5+): an object when the entry imports, with <c>id</c> for an import by ID;
    /// newer releases may name the object by <c>identity</c> instead, or mark it <c>unknown</c>. Null or absent: no import.
    /// </summary>
    private static ImportFacts ReadImporting(ref Utf8JsonReader reader, EntryLocation where)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null) return default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new PlanFormatException($"{where}: \"change.importing\" must be an object.");
        }
        string? id = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader, where, "change.importing.id");
            else SkipValue(ref reader);
        }
        return new ImportFacts(true, id);
    }

    /// <summary>Moves to the next property name; false at the object's end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Truncated();
        }
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>Reader is on a property name: moves over its value and returns where the value's bytes are.</summary>
    private static ValueRange RecordValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        int start = (int)reader.TokenStartIndex;
        if (!reader.TrySkip())
        {
            throw Truncated();
        }
        return new ValueRange(start, (int)reader.BytesConsumed - start);
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || !reader.TrySkip())
        {
            throw Truncated();
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader, EntryLocation where, string property)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new PlanFormatException($"{where}: \"{property}\" must be a string."),
        };
    }

    // Unreachable when the caller checked the entry is complete; kept so a bug shows as a clear error, not a bad result.
    private static PlanFormatException Truncated() => new("The plan JSON ended in the middle of an entry.");
}

/// <summary>What <c>change.importing</c> said: whether the entry imports, and the ID it imports when it names one.</summary>
internal readonly record struct ImportFacts(bool Importing, string? Id);

/// <summary>Names an entry in error messages; formatted only when an error is actually thrown.</summary>
internal readonly record struct EntryLocation(string Section, int Index, string? Key = null)
{
    public override string ToString() => Key is null ? $"{Section}[{Index}]" : $"{Section} \"{Key}\"";
}
