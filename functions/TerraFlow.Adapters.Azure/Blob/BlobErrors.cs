using global::Azure;
using global::Azure.Storage.Blobs.Models;

namespace TerraFlow.Adapters.Azure.Blob;

/// <summary>
/// Which <see cref="RequestFailedException"/>s are outcomes of the artifact-store port rather than failures: the SDK
/// throws for every non-success status, and the port answers some of them with null or false instead.
/// </summary>
internal static class BlobErrors
{
    private static readonly string ContainerNotFound = BlobErrorCode.ContainerNotFound.ToString();
    private static readonly string BlobAlreadyExists = BlobErrorCode.BlobAlreadyExists.ToString();
    private static readonly string InvalidBlockList = BlobErrorCode.InvalidBlockList.ToString();

    /// <summary>Blob or container missing (reads answer null, deletes count as done, listings are empty).</summary>
    public static bool IsNotFound(RequestFailedException e) => e.Status == 404;

    public static bool IsContainerNotFound(RequestFailedException e) => e.Status == 404 && e.ErrorCode == ContainerNotFound;

    /// <summary>
    /// A conditional write lost: 412 for a failed If-Match / If-None-Match, or 409 BlobAlreadyExists, which the service
    /// sends for If-None-Match: * on an existing blob. Any other 409 (a lease, say) is a real error.
    /// </summary>
    public static bool IsFailedCondition(RequestFailedException e) =>
        e.Status == 412 || (e.Status == 409 && e.ErrorCode == BlobAlreadyExists);

    /// <summary>
    /// Put Block List named blocks the service no longer has: committing a blob discards every uncommitted block of it,
    /// so a concurrent writer that committed first throws away the blocks this upload staged.
    /// </summary>
    public static bool IsInvalidBlockList(RequestFailedException e) => e.Status == 400 && e.ErrorCode == InvalidBlockList;
}
