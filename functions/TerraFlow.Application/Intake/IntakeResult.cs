namespace TerraFlow.Application.Intake;

/// <summary>What became of a webhook delivery: stored and acted on, known already, or not one TerraFlow acts on.</summary>
public enum IntakeStatus { Accepted, Duplicate, Ignored }

/// <summary>The answer to a delivery; <see cref="Reason"/> is shown to whoever sent it and kept in the delivery row.</summary>
public sealed record IntakeResult(IntakeStatus Status, string Reason, long? RunId = null);
