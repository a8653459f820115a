using System.Text;

namespace TerraFlow.Core.Comments;

/// <summary>Replies to <c>terraflow help</c> and to commands TerraFlow cannot understand. Link-free on purpose.</summary>
internal static class CommandHelpText
{
    /// <summary>An echoed command longer than this is cut; the reply is about the mistake, not a copy of the comment.</summary>
    private const int MaxEchoedMessageChars = 2_000;

    public static string Help()
    {
        var sb = new StringBuilder(1024);
        AppendHelp(sb);
        return sb.ToString();
    }

    public static string CommandError(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sb = new StringBuilder(1536);
        sb.Append("❌ **TerraFlow did not understand that command.**\n\n");
        if (!string.IsNullOrWhiteSpace(message))
            MarkdownText.AppendCodeBlock(sb, MarkdownText.Shorten(message.Trim(), MaxEchoedMessageChars), "text");
        AppendHelp(sb);
        return sb.ToString();
    }

    private static void AppendHelp(StringBuilder sb) => sb.Append(
        """
        ### TerraFlow commands

        TerraFlow plans the Terraform projects a pull request changes, every time you push. To ask for something
        else, write a comment on the pull request that starts with one of these commands (only the first line counts):

        | Command | What it does |
        |---|---|
        | `terraflow plan` | Plan every project this pull request affects again. |
        | `terraflow plan -p <project>` | Plan one project, by its name in the summary table. This is how projects with autoplan turned off are planned. |
        | `terraflow approve` | Approve the current plans of every project; counts only when you are an eligible approver. A new push needs a new approval. |
        | `terraflow apply` | Apply the approved plans of every project whose requirements are met, exactly as planned and only once. |
        | `terraflow unlock` | Release the locks this pull request holds, so that pull requests waiting behind it can go ahead. |
        | `terraflow approve-policies` | As a policy owner, override the policies that denied the current plans. |
        | `terraflow help` | Show this help. |

        Every command except `help` also takes `-p <project>` to act on one project only.

        Examples:

        - `terraflow plan -p network` plans the project named "network".
        - `terraflow approve -p network` approves the current plan of "network".
        - `terraflow apply -p network` applies the approved plan of "network".
        - `terraflow unlock -p network` releases the lock on "network".
        - `terraflow approve-policies -p network` overrides the denied policies of "network".

        Options:

        - `-p <project>` (or `--project <project>`): the project to act on. Project names come from the repository configuration and are listed in the first column of TerraFlow's plan comment.

        TerraFlow updates its plan comment in place. A newer push replaces an older plan, which is then marked as out of date, and approvals of the older plan no longer count.

        """);
}
