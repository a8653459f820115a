using Azure;
using Microsoft.Extensions.Configuration;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Adapters.Azure.Blob;
using TerraFlow.Core.Artifacts;
using TerraFlow.Testing.Azurite;

namespace TerraFlow.Adapters.Tests.Artifacts;

/// <summary>
/// The compliance suite against <see cref="AzureBlobArtifactStore"/> (Azure.Storage.Blobs) on a real Azurite (Shared
/// Key auth with the dev account); every store gets a fresh container, so tests do not see each other's blobs.
/// </summary>
public sealed class AzureBlobArtifactStoreTests(AzuriteFixture azurite) : ArtifactStoreCompliance, IClassFixture<AzuriteFixture>
{
    protected override IArtifactStore CreateStore(int listPageSize = 5000) => CreateBlobStore(listPageSize: listPageSize);

    private AzureBlobArtifactStore CreateBlobStore(string? accountKey = null, int blockSize = 8 * 1024 * 1024, int listPageSize = 5000, string? containerName = null) =>
        new(new AzureBlobOptions
        {
            ServiceUri = azurite.Server.BlobEndpoint,
            AccountName = AzuriteServer.AccountName,
            AccountKey = accountKey ?? AzuriteServer.AccountKey,
            ContainerName = containerName ?? "t" + Guid.NewGuid().ToString("N"),
            BlockSize = blockSize,
            ListPageSize = listPageSize,
        });

    [Fact]
    public async Task Uploads_larger_than_one_block_are_committed_as_blocks_and_honour_conditions()
    {
        var store = CreateBlobStore(blockSize: 64 * 1024);
        var data = RandomBytes(64 * 1024 * 5 + 123, seed: 7);
        Assert.True(await store.PutIfAbsentAsync("big/plan", new NonSeekableStream(data), Ct));
        Assert.False(await store.PutIfAbsentAsync("big/plan", new NonSeekableStream(RandomBytes(200_000, seed: 8)), Ct));

        var info = await store.GetInfoAsync("big/plan", Ct);
        Assert.Equal(data.Length, info!.Size);
        Assert.False(await store.PutIfMatchAsync("big/plan", new NonSeekableStream(RandomBytes(200_000, seed: 9)), "\"0x0\"", Ct));
        Assert.True(await store.PutIfMatchAsync("big/plan", new NonSeekableStream(RandomBytes(200_000, seed: 9)), info.ETag, Ct));
        Assert.Equal(200_000, (await store.GetInfoAsync("big/plan", Ct))!.Size);
    }

    [Fact]
    public async Task Exactly_one_block_of_content_goes_up_whole()
    {
        var store = CreateBlobStore(blockSize: 64 * 1024);
        var data = RandomBytes(64 * 1024, seed: 3);
        await store.PutAsync("edge/one-block", new NonSeekableStream(data), Ct);
        await using var read = await store.OpenReadAsync("edge/one-block", Ct);
        var copy = new MemoryStream();
        await read!.CopyToAsync(copy, Ct);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task Azurite_rejects_a_request_signed_with_the_wrong_key()
    {
        // Proves Azurite really checks signatures, so the passing suite above ran authenticated.
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var store = CreateBlobStore(accountKey: wrongKey);
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => store.PutAsync("x", Text("x"), Ct));
        Assert.Equal(403, error.Status);
        Assert.DoesNotContain(wrongKey, error.ToString());
    }

    [Fact]
    public async Task A_connection_string_configures_endpoint_account_and_key()
    {
        var store = new AzureBlobArtifactStore(new AzureBlobOptions
        {
            ConnectionString = azurite.Server.ConnectionString,
            ContainerName = "t" + Guid.NewGuid().ToString("N"),
        });
        await store.PutAsync("cs/a.txt", Text("via connection string"), Ct);
        Assert.Equal("via connection string", await ReadTextAsync(store, "cs/a.txt"));
    }

    [Fact]
    public async Task Concurrent_multi_block_PutIfAbsent_has_exactly_one_winner_and_its_content_whole()
    {
        // Each writer stages its own blocks and the condition is checked at commit; the first commit also discards the
        // others' uncommitted blocks. Whatever the losers are told, exactly one write is visible, whole.
        var store = CreateBlobStore(blockSize: 64 * 1024);
        var contents = Enumerable.Range(0, 6).Select(i => RandomBytes(64 * 1024 * 4 + 17 * i, seed: 100 + i)).ToArray();
        var results = await Task.WhenAll(contents.Select(data =>
            Task.Run(() => store.PutIfAbsentAsync("locks/big-race", new NonSeekableStream(data), Ct), Ct)));

        Assert.Equal(1, results.Count(won => won));
        await using var read = await store.OpenReadAsync("locks/big-race", Ct);
        var copy = new MemoryStream();
        await read!.CopyToAsync(copy, Ct);
        Assert.Equal(contents[Array.IndexOf(results, true)], copy.ToArray());
    }

    [Fact]
    public async Task The_factory_picks_Blob_from_the_deployment_settings_and_the_local_folder_without_them()
    {
        var container = "t" + Guid.NewGuid().ToString("N");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TerraFlow:Artifacts:Blob:ConnectionString"] = azurite.Server.ConnectionString,
            ["TerraFlow:Artifacts:Blob:ContainerName"] = container,
        }).Build();
        var store = ArtifactStoreFactory.Create(config, localRoot: Path.Combine(Path.GetTempPath(), "unused-" + container));
        Assert.IsType<AzureBlobArtifactStore>(store);
        await store.PutAsync("factory/a.txt", Text("from settings"), Ct);
        Assert.Equal("from settings", await ReadTextAsync(CreateBlobStore(containerName: container), "factory/a.txt"));

        Assert.IsType<LocalFolderArtifactStore>(ArtifactStoreFactory.Create(new ConfigurationBuilder().Build(), Path.GetTempPath()));
    }
}
