namespace TerraFlow.Core.Comments;

/// <summary>Shares a character budget between blocks of different sizes.</summary>
internal static class Budget
{
    /// <summary>
    /// Water-filling: blocks smaller than an equal share get their full size, and what they leave over is shared
    /// equally among the larger ones. So a short error or output list is never cut to make room for a huge plan.
    /// Every share is at most the block's size and the shares add up to at most <paramref name="total"/>.
    /// </summary>
    public static int[] Share(IReadOnlyList<int> sizes, int total)
    {
        var shares = new int[sizes.Count];
        var order = Enumerable.Range(0, sizes.Count).OrderBy(i => sizes[i]).ToArray();
        var remaining = Math.Max(0, total);
        for (var n = 0; n < order.Length; n++)
        {
            var i = order[n];
            var give = Math.Min(sizes[i], remaining / (order.Length - n));
            shares[i] = give;
            remaining -= give;
        }
        return shares;
    }
}
