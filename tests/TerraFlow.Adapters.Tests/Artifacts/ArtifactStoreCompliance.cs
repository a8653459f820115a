using System.Security.Cryptography;
using System.Text;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Tests.Artifacts;

/// <summary>
/// The behaviour every <see cref="IArtifactStore"/> must have, written once and run against each store (a subclass
/// per store supplies <see cref="CreateStore"/>). Callers such as the runner and the comment sync rely on exactly this.
/// </summary>
public abstract class ArtifactStoreCompliance
{
    /// <summary>A fresh, empty store. <paramref name="listPageSize"/> is honoured by stores that list in pages.</summary>
    protected abstract IArtifactStore CreateStore(int listPageSize = 5000);

    protected static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Put_then_open_read_returns_the_same_bytes()
    {
        var store = CreateStore();
        await store.PutAsync("runs/1/app/plan.txt", Text("Plan: 1 to add"), Ct);
        Assert.Equal("Plan: 1 to add", await ReadTextAsync(store, "runs/1/app/plan.txt"));
    }

    [Fact]
    public async Task A_20_MiB_non_seekable_stream_round_trips_exactly()
    {
        var store = CreateStore();
        var data = RandomBytes(20 * 1024 * 1024, seed: 42);
        await store.PutAsync("runs/2/big.tfplan", new NonSeekableStream(data), Ct);

        await using var read = await store.OpenReadAsync("runs/2/big.tfplan", Ct);
        Assert.NotNull(read);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy, Ct);
        Assert.Equal(data.Length, copy.Length);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(copy.ToArray()));
        Assert.Equal(data.Length, (await store.GetInfoAsync("runs/2/big.tfplan", Ct))!.Size);
    }

    [Fact]
    public async Task Missing_key_reads_as_null()
    {
        var store = CreateStore();
        Assert.Null(await store.OpenReadAsync("runs/404/plan.json", Ct));
        Assert.Null(await store.GetInfoAsync("runs/404/plan.json", Ct));
    }

    [Fact]
    public async Task Put_overwrites_an_existing_artifact()
    {
        var store = CreateStore();
        await store.PutAsync("k/log.txt", Text("first, longer content"), Ct);
        await store.PutAsync("k/log.txt", Text("second"), Ct);
        Assert.Equal("second", await ReadTextAsync(store, "k/log.txt"));
        Assert.Equal(6, (await store.GetInfoAsync("k/log.txt", Ct))!.Size);
    }

    [Fact]
    public async Task Delete_removes_the_artifact_and_deleting_again_is_fine()
    {
        var store = CreateStore();
        await store.PutAsync("k/gone.txt", Text("x"), Ct);
        await store.DeleteAsync("k/gone.txt", Ct);
        Assert.Null(await store.OpenReadAsync("k/gone.txt", Ct));
        await store.DeleteAsync("k/gone.txt", Ct);
        await store.DeleteAsync("never/existed.txt", Ct);
    }

    [Fact]
    public async Task List_returns_exactly_the_keys_under_a_prefix_across_many_pages()
    {
        var store = CreateStore(listPageSize: 7);
        var expected = Enumerable.Range(0, 31).Select(i => $"runs/7/p{i:D2}/plan.json").ToList();
        foreach (var key in expected.Concat(["runs/70/other.json", "runs/8/x.json", "zzz.json"]))
        {
            await store.PutAsync(key, Text(key), Ct);
        }

        Assert.Equal(expected, await ListAsync(store, "runs/7/"));
        Assert.Equal([.. expected, "runs/70/other.json"], await ListAsync(store, "runs/7"));
        Assert.Equal(34, (await ListAsync(store, "")).Count);
        Assert.Empty(await ListAsync(store, "nothing/here/"));
    }

    [Fact]
    public async Task Keys_with_spaces_and_non_ascii_characters_work_everywhere()
    {
        var store = CreateStore();
        const string key = "runs/3/my app/plan output ü+%.txt";
        await store.PutAsync(key, Text("odd"), Ct);
        Assert.Equal("odd", await ReadTextAsync(store, key));
        Assert.Equal([key], await ListAsync(store, "runs/3/"));
        Assert.NotNull(await store.GetInfoAsync(key, Ct));
        await store.DeleteAsync(key, Ct);
        Assert.Null(await store.GetInfoAsync(key, Ct));
    }

    [Fact]
    public async Task PutIfAbsent_creates_once_and_never_overwrites()
    {
        var store = CreateStore();
        Assert.True(await store.PutIfAbsentAsync("locks/app.json", Text("owner A"), Ct));
        Assert.False(await store.PutIfAbsentAsync("locks/app.json", Text("owner B"), Ct));
        Assert.Equal("owner A", await ReadTextAsync(store, "locks/app.json"));
    }

    [Fact]
    public async Task PutIfMatch_writes_only_with_the_current_etag()
    {
        var store = CreateStore();
        await store.PutAsync("state/app.json", Text("v1"), Ct);
        var v1 = (await store.GetInfoAsync("state/app.json", Ct))!.ETag;

        Assert.True(await store.PutIfMatchAsync("state/app.json", Text("v2"), v1, Ct));
        Assert.Equal("v2", await ReadTextAsync(store, "state/app.json"));

        // v1 is stale now: a second writer that read v1 must lose, and change nothing.
        Assert.False(await store.PutIfMatchAsync("state/app.json", Text("v2-from-stale-writer"), v1, Ct));
        Assert.Equal("v2", await ReadTextAsync(store, "state/app.json"));

        Assert.False(await store.PutIfMatchAsync("state/missing.json", Text("x"), v1, Ct));
        Assert.Null(await store.GetInfoAsync("state/missing.json", Ct));
    }

    [Fact]
    public async Task GetInfo_reports_size_and_an_etag_that_changes_with_the_content()
    {
        var store = CreateStore();
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        await store.PutAsync("info/a.txt", Text("12345"), Ct);
        var first = await store.GetInfoAsync("info/a.txt", Ct);
        Assert.NotNull(first);
        Assert.Equal(5, first.Size);
        Assert.False(string.IsNullOrEmpty(first.ETag));
        Assert.InRange(first.LastModified, before, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(first.ETag, (await store.GetInfoAsync("info/a.txt", Ct))!.ETag);

        // Same length, written right away: the ETag must still change (timestamps alone could not tell).
        await store.PutAsync("info/a.txt", Text("54321"), Ct);
        Assert.NotEqual(first.ETag, (await store.GetInfoAsync("info/a.txt", Ct))!.ETag);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../outside.txt")]
    [InlineData("runs/../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("runs//plan.json")]
    [InlineData("runs/plan.json/")]
    [InlineData("./plan.json")]
    [InlineData("runs\\plan.json")]
    [InlineData("runs/\nplan.json")]
    public async Task Invalid_keys_are_rejected_by_every_operation(string key)
    {
        var store = CreateStore();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.PutAsync(key, Text("x"), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.PutIfAbsentAsync(key, Text("x"), Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.PutIfMatchAsync(key, Text("x"), "\"etag\"", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.OpenReadAsync(key, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetInfoAsync(key, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.DeleteAsync(key, Ct));
    }

    [Fact]
    public async Task Invalid_prefixes_are_rejected()
    {
        var store = CreateStore();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListAsync(store, "../"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListAsync(store, "/runs"));
    }

    [Fact]
    public async Task Concurrent_PutIfAbsent_of_one_key_has_exactly_one_winner()
    {
        var store = CreateStore();
        var attempts = Enumerable.Range(0, 10)
            .Select(i => Task.Run(() => store.PutIfAbsentAsync("locks/race.json", Text($"writer {i}"), Ct), Ct))
            .ToArray();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(won => won));
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"writer {winner}", await ReadTextAsync(store, "locks/race.json"));
    }

    [Fact]
    public async Task Concurrent_PutIfMatch_with_one_etag_has_exactly_one_winner()
    {
        var store = CreateStore();
        await store.PutAsync("state/race.json", Text("v0"), Ct);
        var etag = (await store.GetInfoAsync("state/race.json", Ct))!.ETag;
        var attempts = Enumerable.Range(0, 10)
            .Select(i => Task.Run(() => store.PutIfMatchAsync("state/race.json", Text($"v1 by {i}"), etag, Ct), Ct))
            .ToArray();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(won => won));
        Assert.Equal($"v1 by {Array.IndexOf(results, true)}", await ReadTextAsync(store, "state/race.json"));
    }

    protected static MemoryStream Text(string value) => new(Encoding.UTF8.GetBytes(value));

    protected static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    protected static async Task<string?> ReadTextAsync(IArtifactStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, Ct);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    protected static async Task<List<string>> ListAsync(IArtifactStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix, Ct))
        {
            keys.Add(key);
        }

        return keys;
    }
}
