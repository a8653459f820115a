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
