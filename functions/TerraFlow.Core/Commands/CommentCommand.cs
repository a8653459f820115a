namespace TerraFlow.Core.Commands;

/// <summary>A <c>terraflow …</c> command found in a pull-request comment.</summary>
public abstract record CommentCommand;

public sealed record PlanCommand(string? Project) : CommentCommand;

public sealed record HelpCommand : CommentCommand;

/// <summary><c>terraflow apply [-p project]</c>.</summary>
public sealed record ApplyCommand(string? Project) : CommentCommand;

/// <summary><c>terraflow approve [-p project]</c>.</summary>
public sealed record ApproveCommand(string? Project) : CommentCommand;

/// <summary><c>terraflow unlock [-p project]</c>.</summary>
public sealed record UnlockCommand(string? Project) : CommentCommand;

/// <summary><c>terraflow approve-policies [-p project]</c>: a policy owner overrides denying policies.</summary>
public sealed record ApprovePoliciesCommand(string? Project) : CommentCommand;

/// <summary>The comment addressed TerraFlow but the command is wrong; <see cref="Message"/> says how.</summary>
public sealed record InvalidCommand(string Message) : CommentCommand;

/// <summary>
/// Parses comment commands. Only the first line counts and it must start with the keyword, so that prose that
/// mentions "terraflow plan" mid-sentence never triggers a plan (a common Atlantis complaint).
/// </summary>
public static class CommentCommandParser
{
    public const string Keyword = "terraflow";

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
        return words[1].ToLowerInvariant() switch
        {
            "help" => args.Length == 0 ? new HelpCommand() : new InvalidCommand("`terraflow help` takes no arguments."),
            "plan" => ParsePlan(args),
            var other => new InvalidCommand($"Unknown command `{Sanitize(other)}`."),
        };
    }

    private static CommentCommand ParsePlan(ReadOnlySpan<string> args)
    {
        string? project = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "-p" or "--project")
            {
                if (i + 1 >= args.Length) return new InvalidCommand("`-p` needs a project name, e.g. `terraflow plan -p network`.");
                if (project is not null) return new InvalidCommand("Give `-p` only once.");
                project = args[++i];
            }
            else
            {
                return new InvalidCommand($"Unknown option `{Sanitize(args[i])}` for `terraflow plan`.");
            }
        }
        return new PlanCommand(project);
    }

    /// <summary>Keeps echoed user input from breaking out of inline code in the reply.</summary>
    private static string Sanitize(string s) => s.Replace("`", "", StringComparison.Ordinal) is var t && t.Length > 64 ? t[..64] + "…" : t;
}
