namespace TerraFlow.Adapters.GitLab;

/// <summary>
/// The comment ids TerraFlow keeps for GitLab notes. GitLab edits a note only through its merge request
/// (PUT /projects/:id/merge_requests/:iid/notes/:note_id), while the VCS port updates a comment by repository and id
/// alone; so the id TerraFlow stores carries both: the merge request iid in the top 23 bits, the note id in the low 40.
/// 2^40 note ids is ~400 times what gitlab.com has issued so far; 2^23 (8.3 million) merge requests per project is far
/// beyond the largest projects. Ids that do not fit are refused rather than silently mixed up.
/// </summary>
public static class GitLabNoteIds
{
    public const int NoteBits = 40;
    public const long MaxNoteId = (1L << NoteBits) - 1;
    public const long MaxIid = (1L << (63 - NoteBits)) - 1;

    public static long Compose(long mergeRequestIid, long noteId)
    {
        if (mergeRequestIid is < 1 or > MaxIid)
            throw new ArgumentOutOfRangeException(nameof(mergeRequestIid), mergeRequestIid, $"merge request iid must be 1..{MaxIid}");
        if (noteId is < 1 or > MaxNoteId)
            throw new ArgumentOutOfRangeException(nameof(noteId), noteId, $"note id must be 1..{MaxNoteId}");
        return (mergeRequestIid << NoteBits) | noteId;
    }

    /// <summary>The merge request iid and note id of a composed id; throws when it was not made by <see cref="Compose"/>.</summary>
    public static (long MergeRequestIid, long NoteId) Split(long commentId)
    {
        var iid = commentId >> NoteBits;
        var note = commentId & MaxNoteId;
        if (commentId <= 0 || iid == 0 || note == 0)
            throw new ArgumentException($"Comment id {commentId} is not a TerraFlow GitLab note id (merge request iid and note id).", nameof(commentId));
        return (iid, note);
    }
}
