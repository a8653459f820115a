using System.Globalization;
using System.Text.Json;

namespace TerraFlow.Core.Plans;

/// <summary>
/// The top level of a plan document as a resumable state machine, so the same code reads a whole span at once or a
/// stream one buffer at a time. Each call to <see cref="Process"/> consumes as many whole tokens as it can and
/// remembers where it stopped; entries of <c>resource_changes</c>, <c>resource_drift</c> and <c>output_changes</c>
/// are only started once they are complete in the buffer, while everything else (<c>prior_state</c>,
/// <c>configuration</c>, ...) is skipped token by token, so its size never matters.
/// </summary>
internal sealed class PlanDocumentParser
{
    private enum Phase { BeforeRoot, InRoot, PendingSkip, Skipping, InResourceChanges, InResourceDrift, InOutputChanges, AfterRoot }

    private readonly ChangeEntryReader _entries = new();
    private readonly List<ResourceChange> _resourceChanges = [];
    private readonly List<ResourceChange> _resourceDrift = [];
    private readonly List<OutputChange> _outputChanges = [];
    private Phase _phase = Phase.BeforeRoot;
    private int _skipDepth;
    private string? _formatVersion;
    private string? _terraformVersion;
    private bool _errored;
    private bool _sawPlanKey;
    private bool _sawStateValues;

    /// <summary>True once the root object has been closed.</summary>
    public bool IsComplete => _phase == Phase.AfterRoot;

    /// <summary>
    /// Reads tokens from <paramref name="json"/> until it runs out of whole tokens or entries.
    /// Returns how many bytes were consumed; <paramref name="state"/> is updated to match, so the caller passes the
    /// unconsumed tail (plus new bytes) and the same state next time.
    /// </summary>
    public int Process(ReadOnlySpan<byte> json, bool isFinalBlock, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock, state);
        while (true)
        {
            long checkpoint = reader.BytesConsumed;
            var checkpointState = reader.CurrentState;
            bool progressed = _phase == Phase.Skipping ? SkipTokens(ref reader) : Step(ref reader, json);
            if (!progressed)
            {
                // Skipping commits token by token; everything else rewinds to the last whole step.
                if (_phase == Phase.Skipping)
                {
                    state = reader.CurrentState;
                    return (int)reader.BytesConsumed;
                }
                state = checkpointState;
                return (int)checkpoint;
            }
        }
    }

    public PlanSummary Build()
    {
        if (!IsComplete)
        {
            throw new PlanFormatException("The plan JSON ended before its top-level object was closed.");
        }
        if (_formatVersion is null)
        {
            throw new PlanFormatException(
                "The JSON has no \"format_version\"; expected the output of `terraform show -json <planfile>`.");
        }
        if (!_sawPlanKey)
        {
            throw new PlanFormatException(NotAPlanMessage(_sawStateValues));
        }
        return new PlanSummary(_formatVersion, _terraformVersion, _resourceChanges.ToArray(), _resourceDrift.ToArray(),
            _outputChanges.ToArray(), _errored);
    }

    /// <summary>Handles one token (or one whole entry). False when the buffer lacks the data; nothing is changed then.</summary>
    private bool Step(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (!reader.Read())
        {
            return false;
        }
        switch (_phase)
        {
            case Phase.BeforeRoot:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new PlanFormatException("A plan must be a JSON object at the top level.");
                }
                _phase = Phase.InRoot;
                return true;

            case Phase.InRoot:
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    _phase = Phase.AfterRoot;
                    return true;
                }
                return ReadRootProperty(ref reader);

            case Phase.PendingSkip:
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    _skipDepth = reader.CurrentDepth;
                    _phase = Phase.Skipping;
                }
                else
                {
                    _phase = Phase.InRoot;
                }
                return true;

            case Phase.InResourceChanges or Phase.InResourceDrift:
                return ReadResourceEntry(ref reader, json);

            case Phase.InOutputChanges:
                return ReadOutputEntry(ref reader, json);

            default: // AfterRoot: the reader itself rejects anything but whitespace after the root value.
                return true;
        }
    }

    private bool SkipTokens(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
            if (reader.CurrentDepth == _skipDepth
                && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                _phase = Phase.InRoot;
                return true;
            }
        }
        return false;
    }

    private bool ReadRootProperty(ref Utf8JsonReader reader)
    {
        Phase? listPhase = reader.ValueTextEquals("resource_changes"u8) ? Phase.InResourceChanges
            : reader.ValueTextEquals("resource_drift"u8) ? Phase.InResourceDrift
            : reader.ValueTextEquals("output_changes"u8) ? Phase.InOutputChanges
            : null;
        bool isFormat = reader.ValueTextEquals("format_version"u8);
        bool isVersion = reader.ValueTextEquals("terraform_version"u8);
        bool isErrored = reader.ValueTextEquals("errored"u8);
        _sawPlanKey |= listPhase is not null || isErrored || IsOtherPlanKey(ref reader);
        _sawStateValues |= reader.ValueTextEquals("values"u8);
        if (listPhase is null && !isFormat && !isVersion && !isErrored)
        {
            _phase = Phase.PendingSkip;
            return true;
        }

        if (!reader.Read())
        {
            return false; // the value is not here yet: redo the property name next time
        }
        var token = reader.TokenType;
        if (listPhase is { } phase)
        {
            var expected = phase == Phase.InOutputChanges ? JsonTokenType.StartObject : JsonTokenType.StartArray;
            if (token == expected)
            {
                _phase = phase;
            }
            else if (token != JsonTokenType.Null)
            {
                throw new PlanFormatException($"\"{Section(phase)}\" must be {(phase == Phase.InOutputChanges ? "an object" : "an array")}.");
            }
        }
        else if (isErrored)
        {
            _errored = token switch
            {
                JsonTokenType.True => true,
                JsonTokenType.False or JsonTokenType.Null => false,
                _ => throw new PlanFormatException("\"errored\" must be true or false."),
            };
        }
        else if (token != JsonTokenType.String)
        {
            throw new PlanFormatException($"\"{(isFormat ? "format_version" : "terraform_version")}\" must be a string.");
        }
        else if (isFormat)
        {
            _formatVersion = CheckFormatVersion(reader.GetString()!);
        }
        else
        {
            _terraformVersion = reader.GetString();
        }
        return true;
    }

    private bool ReadResourceEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            _phase = Phase.InRoot;
            return true;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new PlanFormatException($"Each entry of \"{Section(_phase)}\" must be an object.");
        }
        if (!IsWholeValueBuffered(reader))
        {
            return false;
        }
        var list = _phase == Phase.InResourceChanges ? _resourceChanges : _resourceDrift;
        list.Add(_entries.ReadResourceChange(ref reader, json, Section(_phase), list.Count));
        return true;
    }

    private bool ReadOutputEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            _phase = Phase.InRoot;
            return true;
        }
        // A property name: the output's name. Its whole value must be buffered before we commit to it.
        var lookahead = reader;
        if (!lookahead.Read() || !IsWholeValueBuffered(lookahead))
        {
            return false;
        }
        string name = reader.GetString()!;
        reader.Read();
        _outputChanges.Add(ChangeEntryReader.ReadOutputChange(ref reader, json, name));
        return true;
    }

    /// <summary>Whether the value the reader is on ends inside the current buffer (always, for a final block).</summary>
    private static bool IsWholeValueBuffered(Utf8JsonReader copy) => copy.IsFinalBlock || copy.TrySkip();

    /// <summary>
    /// Top-level keys only a plan has (Terraform's JSON output format: <c>terraform show -json</c> of a state has
    /// <c>format_version</c>, <c>terraform_version</c> and <c>values</c>, and an empty state only <c>format_version</c>).
    /// Terraform always writes <c>planned_values</c> in a plan; the others are accepted so hand-trimmed plans still read.
    /// </summary>
    private static bool IsOtherPlanKey(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("planned_values"u8) || reader.ValueTextEquals("prior_state"u8)
        || reader.ValueTextEquals("configuration"u8) || reader.ValueTextEquals("relevant_attributes"u8)
        || reader.ValueTextEquals("applyable"u8) || reader.ValueTextEquals("complete"u8)
        || reader.ValueTextEquals("deferred_changes"u8);

    /// <summary>
    /// Without this check a state reads as a plan with no changes, and a pull request would say "No changes" about a
    /// plan nobody made. Say what the file is and what to give instead.
    /// </summary>
    private static string NotAPlanMessage(bool sawStateValues) => sawStateValues
        ? "This is Terraform state, not a plan: the JSON has \"values\" but no \"resource_changes\" or \"planned_values\" "
          + "(the output of `terraform show -json` without a plan file). Expected the output of `terraform show -json <planfile>`."
        : "This is not a plan: the JSON has a \"format_version\" but none of a plan's keys (\"resource_changes\", "
          + "\"planned_values\", ...); an empty Terraform state looks like this. Expected the output of `terraform show -json <planfile>`.";

    private static string CheckFormatVersion(string version)
    {
        int dot = version.IndexOf('.');
        var majorText = dot < 0 ? version.AsSpan() : version.AsSpan(0, dot);
        if (!int.TryParse(majorText, NumberStyles.None, CultureInfo.InvariantCulture, out int major) || major > 1)
        {
            throw new PlanFormatException(
                $"Unsupported plan format_version \"{version}\": TerraFlow reads format versions 0.x and 1.x.");
        }
        return version;
    }

    private static string Section(Phase phase) => phase switch
    {
        Phase.InResourceChanges => "resource_changes",
        Phase.InResourceDrift => "resource_drift",
        _ => "output_changes",
    };
}
