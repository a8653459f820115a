namespace TerraFlow.Core.Commands;

/// <summary>
/// Parses comment commands. Only the first line counts and it must start with the keyword, so that prose that
/// mentions "terraflow plan" mid-sentence never triggers a plan (a common Atlantis complaint).
/// </summary>
public static class CommentCommandParser
{
    public const string Keyword = "terraflow";

    /// <summary>Every command that takes an optional <c>-p</c>/<c>--project</c>, with the record it parses into.</summary>
    private static readonly Dictionary<string, Func<string?, CommentCommand>> ProjectCommands = new(StringComparer.Ordinal)
    {
        ["plan"] = p => new PlanCommand(p),
        ["apply"] = p => new ApplyCommand(p),
        ["approve"] = p => new ApproveCommand(p),
        ["unlock"] = p => new UnlockCommand(p),
        ["approve-policies"] = p => new ApprovePoliciesCommand(p),
    };

    /// <summary>The command, or null when the comment is not addressed to TerraFlow.</summary>
    public static CommentCommand? Parse(string body)
    {
        var firstLine = body.AsSpan().TrimStart();
        var newline = firstLine.IndexOfAny('\r', '\n');
        if (newline >= 0) firstLine = firstLine[..newline];
        var words = firstLine.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || !string.Equals(words[0], Keyword, StringComparison.OrdinalIgnoreCase)) return null;
        if (words.Length == 1) return new HelpCommand();
        var args = words.AsSpan(2);
        var name = words[1].ToLowerInvariant();
        if (name == "help")
            return args.Length == 0 ? new HelpCommand() : new InvalidCommand("`terraflow help` takes no arguments.");
        return ProjectCommands.TryGetValue(name, out var create)
            ? ParseProjectOption(name, args, create)
            : new InvalidCommand($"Unknown command `{Sanitize(name)}`.");
    }

    private static CommentCommand ParseProjectOption(string command, ReadOnlySpan<string> args, Func<string?, CommentCommand> create)
    {
        string? project = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "-p" or "--project")
            {
                // "-p --force" is a forgotten name, not a project called "--force".
                if (i + 1 >= args.Length || args[i + 1].StartsWith('-'))
                    return new InvalidCommand($"`{args[i]}` needs a project name, e.g. `terraflow {command} -p network`.");
                if (project is not null) return new InvalidCommand("Give `-p` only once.");
                project = args[++i];
            }
            else if (args[i] == "--" || args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('='))
            {
                // Atlantis passes `terraflow plan -- -target=x` to Terraform. Here the commands that run with credentials
                // come from the base branch only (custom workflows' extra_args), never from a comment.
                return new InvalidCommand($"Extra arguments are never passed to Terraform from a comment (`terraflow {command} -- …` is refused). " +
                    "Arguments a project always needs go in `extra_args` of a custom workflow in the base branch's `.terraflow.yml`, where they are reviewed like any rule.");
            }
            else
            {
                return new InvalidCommand($"Unknown option `{Sanitize(args[i])}` for `terraflow {command}`.");
            }
        }
        return create(project);
    }

    /// <summary>Keeps echoed user input from breaking out of inline code in the reply.</summary>
    private static string Sanitize(string s) => s.Replace("`", "", StringComparison.Ordinal) is var t && t.Length > 64 ? t[..64] + "…" : t;
}
