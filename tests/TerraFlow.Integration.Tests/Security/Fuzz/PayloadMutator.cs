using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TerraFlow.Integration.Tests.Security.Fuzz;

/// <summary>
/// Mutates a real payload the way a careless or hostile sender would: byte-level damage (bit flips, truncation,
/// inserted and deleted bytes, invalid UTF-8) and structural damage aimed mostly at the fields TerraFlow reads (wrong
/// types, removed fields, huge and deeply nested values, lone surrogates, NUL and control characters, extreme
/// numbers, implausible names, SHAs and URLs). Deterministic for a given <see cref="Random"/>.
/// </summary>
internal sealed class PayloadMutator(Random random)
{
    // Markers replaced in the serialized bytes by text a JSON serializer would never write.
    private const string LoneSurrogateMarker = "FUZZ_LONE_SURROGATE_MARKER";
    private const string InvalidUtf8Marker = "FUZZ_INVALID_UTF8_MARKER";
    private static readonly byte[] LoneSurrogateMarkerBytes = Encoding.ASCII.GetBytes(LoneSurrogateMarker);
    private static readonly byte[] InvalidUtf8MarkerBytes = Encoding.ASCII.GetBytes(InvalidUtf8Marker);

    // Deeply nested values are part of the point; the writer's default limit (1000) would refuse to write them.
    private static readonly JsonSerializerOptions Writer = new() { MaxDepth = 4096 };

    /// <summary>Fields the parsers read, per event; most structural mutations hit one of these.</summary>
    private static readonly Dictionary<string, string[]> ReadPaths = new()
    {
        ["pull_request"] = ["action", "pull_request.number", "pull_request.head.sha", "pull_request.base.sha", "pull_request.head.ref",
            "pull_request.base.ref", "pull_request.head.repo.clone_url", "pull_request.head.repo", "repository.clone_url", "pull_request.user.login",
            "pull_request.state", "pull_request.merged", "sender.login", "repository.owner.login", "repository.name", "installation.id", "pull_request"],
        ["issue_comment"] = ["action", "issue.number", "issue.pull_request", "comment.id", "comment.user.login", "comment.body",
            "repository.owner.login", "repository.name", "installation.id", "comment"],
        ["pull_request_review"] = ["action", "review.commit_id", "pull_request.number", "review.id", "review.user.login", "review.user",
            "review.state", "repository.owner.login", "repository.name", "installation.id"],
        ["Merge Request Hook"] = ["object_kind", "object_attributes.action", "object_attributes.iid", "object_attributes.last_commit.id",
            "object_attributes.source_branch", "object_attributes.target_branch", "object_attributes.state", "object_attributes.source_project_id",
            "object_attributes.target_project_id", "object_attributes.source.git_http_url", "project.git_http_url", "project.path_with_namespace",
            "user.username", "user.id", "object_attributes.author_id", "object_attributes.oldrev", "changes.last_commit", "assignees", "reviewers"],
        ["Note Hook"] = ["object_kind", "object_attributes.noteable_type", "object_attributes.system", "object_attributes.action",
            "object_attributes.id", "object_attributes.note", "merge_request.iid", "merge_request", "project.path_with_namespace", "user.username"],
    };

    /// <summary>Actions that make the parser read the whole event rather than ignore it early.</summary>
    private static readonly Dictionary<string, (string Path, string[] Values)> HandledActions = new()
    {
        ["pull_request"] = ("action", ["opened", "reopened", "synchronize", "closed"]),
        ["issue_comment"] = ("action", ["created"]),
        ["pull_request_review"] = ("action", ["submitted"]),
        ["Merge Request Hook"] = ("object_attributes.action", ["open", "reopen", "update", "close", "merge", "approved"]),
        ["Note Hook"] = ("object_attributes.action", ["create"]),
    };

    /// <summary>Fields holding the pull/merge request number, spread out so that runs of different iterations do not queue on one row lock.</summary>
    private static readonly string[] NumberPaths = ["number", "pull_request.number", "issue.number", "object_attributes.iid", "merge_request.iid"];

    /// <summary>
    /// One to three damages: structural ones first, on one parsed copy (one parse and one write per body keeps the
    /// client cheap), then byte-level ones on the written bytes.
    /// </summary>
    public (byte[] Body, string Description) Mutate(FuzzSeedPayload seed)
    {
        var steps = new List<string>();
        var count = 1 + random.Next(3);
        var byteLevel = 0;
        for (var i = 0; i < count; i++)
            if (random.Next(20) < 7) byteLevel++;
        var body = Structural(seed.Body, seed.EventName, steps, count - byteLevel) ?? seed.Body;
        for (var i = 0; i < byteLevel; i++) body = ByteLevel(body, steps);
        return (body, $"{seed.File} [{seed.EventName}]: " + string.Join("; ", steps));
    }

    private byte[] ByteLevel(byte[] body, List<string> steps)
    {
        if (body.Length == 0) return body;
        var at = random.Next(body.Length);
        switch (random.Next(6))
        {
            case 0:
            {
                var copy = (byte[])body.Clone();
                var flips = 1 + random.Next(4);
                // Mostly the low seven bits: flipping the top bit of ASCII only ever makes invalid UTF-8.
                for (var i = 0; i < flips; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << (random.Next(10) < 8 ? random.Next(7) : 7));
                steps.Add($"flip {flips} bits");
                return copy;
            }
            case 1:
                steps.Add($"truncate at {at}");
                return body[..at];
            case 2:
            {
                var junk = new byte[1 + random.Next(8)];
                random.NextBytes(junk);
                steps.Add($"insert {junk.Length} random bytes at {at}");
                return [.. body[..at], .. junk, .. body[at..]];
            }
            case 3:
            {
                var length = Math.Min(1 + random.Next(64), body.Length - at);
                steps.Add($"delete {length} bytes at {at}");
                return [.. body[..at], .. body[(at + length)..]];
            }
            case 4:
            {
                byte[][] invalid = [[0xFF], [0xC0, 0x80], [0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]];
                var pick = invalid[random.Next(invalid.Length)];
                steps.Add($"invalid UTF-8 {Convert.ToHexString(pick)} at {at}");
                return [.. body[..at], .. pick, .. body[at..]];
            }
            default:
            {
                byte[] interesting = [(byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', 0x00, (byte)'0', (byte)'-'];
                var copy = (byte[])body.Clone();
                copy[at] = interesting[random.Next(interesting.Length)];
                steps.Add($"byte {at} = 0x{copy[at]:X2}");
                return copy;
            }
        }
    }

    /// <summary>
    /// A structural change, or null when the body is no longer a JSON object of valid text (then bytes are damaged
    /// instead): System.Text.Json's nodes decode lazily, so damage from an earlier step can surface at any access.
    /// </summary>
    private byte[]? Structural(byte[] body, string eventName, List<string> steps, int damages)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body)) return null;
        var taken = steps.Count;
        try
        {
            return StructuralUnchecked(body, eventName, steps, damages);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException)
        {
            steps.RemoveRange(taken, steps.Count - taken);
            return null;
        }
    }

    private byte[]? StructuralUnchecked(byte[] body, string eventName, List<string> steps, int damages)
    {
        if (JsonNode.Parse(body) is not JsonObject root) return null;

        var number = 1 + random.Next(1_000_000);
        foreach (var path in NumberPaths)
            if (Get(root, path) is JsonValue) Set(root, path, JsonValue.Create(number));

        // Half the bodies get an action the parser acts on, so damage reaches the fields read after the action.
        if (random.Next(2) == 0)
        {
            var (path, values) = HandledActions[eventName];
            var action = values[random.Next(values.Length)];
            Set(root, path, JsonValue.Create(action));
            if (eventName == "issue_comment") Set(root, "issue.pull_request", new JsonObject { ["url"] = "https://api.github.com/repos/o/r/pulls/1" });
            if (eventName == "Merge Request Hook" && action == "update") Set(root, "object_attributes.oldrev", JsonValue.Create(new string('a', 40)));
            steps.Add($"{path} = {action}");
        }

        for (var i = 0; i < damages; i++)
        {
            var paths = ReadPaths[eventName];
            var target = random.Next(10) < 8 ? paths[random.Next(paths.Length)] : RandomExistingPath(root);
            if (random.Next(8) == 0)
            {
                Remove(root, target);
                steps.Add($"remove {target}");
            }
            else
            {
                var (value, what) = Value();
                Set(root, target, value);
                steps.Add($"{target} = {what}");
            }
        }
        var bytes = Encoding.UTF8.GetBytes(root.ToJsonString(Writer));
        bytes = Replace(bytes, LoneSurrogateMarkerBytes, "\\ud800"u8.ToArray());
        return Replace(bytes, InvalidUtf8MarkerBytes, [0xC3, 0x28]);
    }

    private (JsonNode? Value, string What) Value()
    {
        switch (random.Next(16))
        {
            case 0: return (null, "null");
            case 1: return (JsonValue.Create(random.Next(2) == 0), "a boolean");
            case 2: return (new JsonArray(1, "x"), "an array");
            case 3: return (new JsonObject { ["id"] = 1, ["login"] = "x" }, "an object");
            case 4:
            {
                string[] numbers = ["0", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
                    "-9223372036854775808", "1e308", "1e400", "1.5", "-0", "123456789012345678901234567890", "0.0000001"];
                var n = numbers[random.Next(numbers.Length)];
                return (JsonNode.Parse(n), "number " + n);
            }
            case 5:
            {
                // Huge: mostly moderate, rarely a megabyte, so the suite stays fast.
                var length = random.Next(20) == 0 ? 1_000_000 : new[] { 256, 300, 2049, 5000, 65_537, 70_000 }[random.Next(6)];
                return (JsonValue.Create(new string('a', length)), $"a {length}-character string");
            }
            case 6:
            {
                var depth = new[] { 5, 40, 63, 65, 200, 1000 }[random.Next(6)];
                JsonNode nested = JsonValue.Create(1);
                for (var i = 0; i < depth; i++) nested = new JsonArray(nested);
                return (nested, $"arrays nested {depth} deep");
            }
            case 7: return (JsonValue.Create("a" + LoneSurrogateMarker + "b"), "a string with a lone surrogate");
            case 8: return (JsonValue.Create("a" + InvalidUtf8Marker + "b"), "a string with invalid UTF-8");
            case 9: return (JsonValue.Create("main\0x"), "a string with NUL");
            case 10:
            {
                string[] names = ["", " ", "a b", "../../etc/passwd", "..", "-rf", "x\ny", "x\u0007", "ünïcödé", "a/b", "a//b", "refs/heads/x.lock", "@{-1}",
                    new string('n', 256), "x:y", "x~1", "name\u2028", "\t"];
                var s = names[random.Next(names.Length)];
                return (JsonValue.Create(s), $"name \"{Escape(s)}\"");
            }
            case 11:
            {
                string[] shas = ["", "abc", new string('a', 39), new string('a', 41), new string('A', 40), new string('g', 40), new string('0', 64), new string('f', 63), "0x" + new string('a', 38)];
                var s = shas[random.Next(shas.Length)];
                return (JsonValue.Create(s), $"sha \"{Escape(s)}\"");
            }
            case 12:
            {
                string[] urls = ["", "not a url", "ftp://example.com/r.git", "javascript:alert(1)", "file:///etc/passwd", "https://user:pass@example.com/r.git",
                    "https:///nohost", "//example.com/r.git", "https://example.com/" + new string('p', 2100), "http://[::1", "https://exa mple.com/"];
                var s = urls[random.Next(urls.Length)];
                return (JsonValue.Create(s), $"url \"{Escape(s)}\"");
            }
            case 13:
            {
                string[] actions = ["opened", "synchronize", "closed", "created", "submitted", "open", "update", "merge", "approved", "approval", "unknown"];
                var s = actions[random.Next(actions.Length)];
                return (JsonValue.Create(s), $"\"{s}\"");
            }
            case 14:
            {
                var s = "terraflow " + new[] { "plan", "apply", "approve", "unlock", "help", "plan -p " + new string('p', 300), "approve-policies", "bogus" }[random.Next(8)];
                return (JsonValue.Create(s), $"comment \"{Escape(s[..Math.Min(s.Length, 30)])}\"");
            }
            default:
            {
                var s = new string((char)random.Next(1, 0x20), 1 + random.Next(4));
                return (JsonValue.Create("x" + s), "control characters");
            }
        }
    }

    private string RandomExistingPath(JsonObject root)
    {
        var path = new List<string>();
        JsonNode? node = root;
        while (node is JsonObject obj && obj.Count > 0 && (path.Count == 0 || random.Next(3) > 0))
        {
            var property = obj.ElementAt(random.Next(obj.Count));
            path.Add(property.Key);
            node = property.Value;
        }
        return path.Count == 0 ? "action" : string.Join('.', path);
    }

    private static JsonNode? Get(JsonObject root, string path)
    {
        JsonNode? current = root;
        foreach (var segment in path.Split('.'))
            current = current is JsonObject obj ? obj[segment] : null;
        return current;
    }

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var segments = path.Split('.');
        var current = root;
        foreach (var segment in segments[..^1])
        {
            if (current[segment] is not JsonObject next)
            {
                next = new JsonObject();
                current[segment] = next;
            }
            current = next;
        }
        current[segments[^1]] = value;
    }

    private static void Remove(JsonObject root, string path)
    {
        var segments = path.Split('.');
        var current = root;
        foreach (var segment in segments[..^1])
        {
            if (current[segment] is not JsonObject next) return;
            current = next;
        }
        current.Remove(segments[^1]);
    }

    private static byte[] Replace(byte[] bytes, byte[] marker, byte[] replacement)
    {
        var at = bytes.AsSpan().IndexOf(marker);
        while (at >= 0)
        {
            bytes = [.. bytes[..at], .. replacement, .. bytes[(at + marker.Length)..]];
            var next = bytes.AsSpan(at + replacement.Length).IndexOf(marker);
            at = next < 0 ? -1 : at + replacement.Length + next;
        }
        return bytes;
    }

    private static string Escape(string s) => s.Length > 40 ? $"{s.Length} chars" : JsonSerializer.Serialize(s)[1..^1];
}
