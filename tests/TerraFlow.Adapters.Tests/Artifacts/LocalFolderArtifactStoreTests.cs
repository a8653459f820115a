using System.Text;
using TerraFlow.Adapters.Artifacts;
using TerraFlow.Core.Artifacts;

namespace TerraFlow.Adapters.Tests.Artifacts;

/// <summary>The compliance suite against the embedded store, each test in its own temporary folder.</summary>
public sealed class LocalFolderArtifactStoreTests : ArtifactStoreCompliance, IDisposable
{
    private readonly List<string> _roots = [];

    protected override IArtifactStore CreateStore(int listPageSize = 5000)
    {
        var root = Directory.CreateTempSubdirectory("terraflow-artifacts-").FullName;
        _roots.Add(root);
        return new LocalFolderArtifactStore(root);
    }

    [Fact]
    public async Task Keys_map_to_files_under_the_root_and_bookkeeping_stays_out_of_listings()
    {
        var store = (LocalFolderArtifactStore)CreateStore();
        await store.PutAsync("runs/1/plan.json", Text("{}"), Ct);
        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Combine(_roots[^1], "runs", "1", "plan.json"), Ct));
        Assert.Equal(["runs/1/plan.json"], await ListAsync(store, ""));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(".terraflow/locks/00.lock", Text("x"), Ct));
    }

    [Fact]
    public async Task Two_store_instances_on_one_folder_still_have_a_single_PutIfAbsent_winner()
    {
        // Stand-in for two processes sharing the folder: the lock is an OS file lock, not an in-memory one.
        var root = Directory.CreateTempSubdirectory("terraflow-artifacts-").FullName;
        _roots.Add(root);
        var stores = Enumerable.Range(0, 10).Select(_ => new LocalFolderArtifactStore(root)).ToArray();
        var results = await Task.WhenAll(stores.Select((s, i) => Task.Run(() => s.PutIfAbsentAsync("locks/x", new MemoryStream(Encoding.UTF8.GetBytes($"w{i}")), Ct))));
        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task A_failed_conditional_write_leaves_no_temporary_file_behind()
    {
        var store = CreateStore();
        await store.PutAsync("a.txt", Text("1"), Ct);
        Assert.False(await store.PutIfAbsentAsync("a.txt", Text("2"), Ct));
        Assert.False(await store.PutIfMatchAsync("a.txt", Text("2"), "\"stale\"", Ct));
        Assert.Empty(Directory.GetFiles(Path.Combine(_roots[^1], ".terraflow", "tmp")));
    }

    public void Dispose()
    {
        foreach (var root in _roots)
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
