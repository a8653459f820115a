using System.Diagnostics;
using System.Security.Cryptography;
using TerraFlow.Adapters.Azure.Blob;
using TerraFlow.Testing.Azurite;
using Xunit.Abstractions;

namespace TerraFlow.Adapters.Tests.Artifacts;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BlobMemoryCollection
{
    /// <summary>Runs alone, after the parallel tests, so the process-wide allocation counter measures only this transfer.</summary>
    public const string Name = "Blob memory (runs alone)";
}

/// <summary>
/// A 200 MiB artifact goes up from a non-seekable stream and comes back down through the SDK-backed store while the
/// process's allocations are counted: memory must stay bounded by the block size, not grow with the artifact. The
/// content is generated and hashed on the fly, so the test itself holds no copy of it either.
/// </summary>
[Collection(BlobMemoryCollection.Name)]
public sealed class AzureBlobMemoryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long ArtifactSize = 200L * 1024 * 1024;
    private const int BlockSize = 8 * 1024 * 1024;

    /// <summary>Two rented blocks plus the SDK's and HttpClient's per-request objects; a copy of the artifact is 200 MiB.</summary>
    private const long AllocationBound = 48L * 1024 * 1024;

    private AzuriteServer? _azurite;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_200_MiB_artifact_round_trips_with_bounded_allocations()
    {
        var ct = CancellationToken.None;
        var store = new AzureBlobArtifactStore(new AzureBlobOptions
        {
            ConnectionString = _azurite!.ConnectionString,
            ContainerName = "memory",
            BlockSize = BlockSize,
        });
        await store.PutAsync("warm/up", new MemoryStream([1, 2, 3]), ct); // container, connection pool, JIT

        using var sampler = new WorkingSetSampler();
        var source = new GeneratedStream(ArtifactSize, seed: 2026);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await store.PutAsync("runs/1/app/huge.tfplan", source, ct);
        var uploadSeconds = clock.Elapsed.TotalSeconds;
        var uploadAllocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        before = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long downloaded = 0;
        await using (var read = await store.OpenReadAsync("runs/1/app/huge.tfplan", ct))
        {
            var buffer = new byte[81920];
            int n;
            while ((n = await read!.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                downloaded += n;
            }
        }

        var downloadSeconds = clock.Elapsed.TotalSeconds;
        var downloadAllocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var peakGrowth = sampler.Stop();

        output.WriteLine($"upload   200 MiB in {uploadSeconds:0.0} s ({ArtifactSize / uploadSeconds / 1048576:0} MiB/s), allocated {uploadAllocated / 1048576.0:0.0} MiB");
        output.WriteLine($"download 200 MiB in {downloadSeconds:0.0} s ({ArtifactSize / downloadSeconds / 1048576:0} MiB/s), allocated {downloadAllocated / 1048576.0:0.0} MiB");
        output.WriteLine($"working set: peak growth over the start {peakGrowth / 1048576.0:0.0} MiB (block size {BlockSize / 1048576} MiB)");

        Assert.Equal(ArtifactSize, downloaded);
        Assert.Equal(source.Hash(), hash.GetHashAndReset());
        Assert.Equal(ArtifactSize, (await store.GetInfoAsync("runs/1/app/huge.tfplan", ct))!.Size);
        Assert.InRange(uploadAllocated, 0, AllocationBound);
        Assert.InRange(downloadAllocated, 0, AllocationBound);
    }

    /// <summary>A non-seekable stream of deterministic pseudo-random bytes that hashes what it hands out.</summary>
    private sealed class GeneratedStream(long length, int seed) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly Random _random = new(seed);
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public byte[] Hash() => _hash.GetHashAndReset();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(Math.Min(buffer.Length, 64 * 1024), length - _position);
            var chunk = buffer[..n];
            _random.NextBytes(chunk);
            _hash.AppendData(chunk);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Samples this process's working set every 20 ms; reports the highest value above the first sample.</summary>
    private sealed class WorkingSetSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<long> _loop;

        public WorkingSetSampler()
        {
            var start = Current();
            _loop = Task.Run(async () =>
            {
                var peak = start;
                while (!_stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Current());
                    try
                    {
                        await Task.Delay(20, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                return Math.Max(peak, Current()) - start;
            });
        }

        public long Stop()
        {
            _stop.Cancel();
            return _loop.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        private static long Current()
        {
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64;
        }
    }
}
