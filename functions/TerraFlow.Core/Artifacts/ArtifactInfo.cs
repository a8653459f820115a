namespace TerraFlow.Core.Artifacts;

/// <summary>
/// What a store knows about one artifact. <see cref="ETag"/> is opaque: it changes whenever the content is
/// replaced and is only meant to be handed back to <see cref="IArtifactStore.PutIfMatchAsync"/>.
/// </summary>
public sealed record ArtifactInfo(long Size, string ETag, DateTimeOffset LastModified);
