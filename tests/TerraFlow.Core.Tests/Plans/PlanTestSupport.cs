using System.Text;
using TerraFlow.Core.Plans;

namespace TerraFlow.Core.Tests.Plans;

/// <summary>Finds the shared external fixtures and turns summaries into comparable text.</summary>
internal static class PlanTestSupport
{
    /// <summary>The external fixture folder; fails loudly (never skips) when it cannot be found.</summary>
    public static string ExternalFixturesDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TerraFlow.sln")))
            {
                string external = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "external"));
                Assert.True(Directory.Exists(external),
                    $"External fixtures not found at {external}: the shared/ folder must sit beside the repository.");
                return external;
            }
        }
        Assert.Fail($"No directory containing TerraFlow.sln above {AppContext.BaseDirectory}.");
        return "";
    }

    /// <summary>
    /// Every plan output under terraform-json/ and opentofu/, as listed in MANIFEST.md ("Terraform plan JSON" rows);
    /// state files and the intentionally invalid fixtures are not plans and are left out.
    /// </summary>
    public static IReadOnlyList<string> PlanFixturePaths()
    {
        string root = ExternalFixturesDir();
        var plans = new List<string>();
        foreach (string line in File.ReadLines(Path.Combine(root, "MANIFEST.md")))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal) || !line.Contains("| Terraform plan JSON", StringComparison.Ordinal))
            {
                continue;
            }
            string relative = line.Split('`')[1];
            if (relative.StartsWith("terraform-json/", StringComparison.Ordinal) || relative.StartsWith("opentofu/", StringComparison.Ordinal))
            {
                plans.Add(relative);
            }
        }
        return plans;
    }

    public static byte[] ReadFixture(string relative)
    {
        string path = Path.Combine(ExternalFixturesDir(), relative);
        Assert.True(File.Exists(path), $"Fixture listed in MANIFEST.md is missing: {path}");
        return File.ReadAllBytes(path);
    }

    /// <summary>Everything in a summary as text: for equality checks and for "this secret appears nowhere".</summary>
    public static string Dump(PlanSummary plan)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"format={plan.FormatVersion} terraform={plan.TerraformVersion} errored={plan.Errored}");
        foreach (var (title, list) in new[] { ("change", plan.ResourceChanges), ("drift", plan.ResourceDrift) })
        {
            foreach (var c in list)
            {
                sb.AppendLine($"{title} {c.Address} module={c.ModuleAddress} {c.Mode} {c.Type} {c.Name} {c.Action} reason={c.ActionReason}"
                    + $" previous={c.PreviousAddress} importing={c.Importing} import_id={c.ImportId}");
                foreach (var d in c.Diffs)
                {
                    sb.AppendLine($"  {d.Path}: {d.Before ?? "<none>"} -> {d.After ?? "<none>"} sensitive={d.Sensitive} unknown={d.KnownAfterApply}");
                }
            }
        }
        foreach (var o in plan.OutputChanges)
        {
            sb.AppendLine($"output {o.Name} {o.Action} sensitive={o.Sensitive}");
        }
        return sb.ToString();
    }

    /// <summary>A plan or state written by the real Terraform v1.11.4 for these tests (Plans/Fixtures, see its README).</summary>
    public static byte[] ReadOwnFixture(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Plans", "Fixtures", name);
        Assert.True(File.Exists(path), $"Own plan fixture missing from the test output: {path}");
        return File.ReadAllBytes(path);
    }

    public static PlanSummary ReadText(string json) => PlanReader.Read(Encoding.UTF8.GetBytes(json));

    /// <summary>A minimal plan around the given resource_changes entries (JSON text, comma-separated).</summary>
    public static string Plan(string resourceChanges, string extra = "") =>
        $$"""{"format_version":"1.2","terraform_version":"1.9.0",{{extra}}"resource_changes":[{{resourceChanges}}]}""";

    /// <summary>One resource_changes entry.</summary>
    public static string Change(string actions, string change = "", string address = "aws_instance.web", string extra = "")
    {
        string changeBody = change.Length > 0 ? "," + change : "";
        return $$"""{"address":"{{address}}","mode":"managed","type":"aws_instance","name":"web",{{extra}}"change":{"actions":{{actions}}{{changeBody}}"""
            + "}}";
    }
}

/// <summary>A stream that hands out at most a few bytes per read, to exercise every buffer boundary.</summary>
internal sealed class TrickleStream(byte[] data, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, _random.Next(1, 8)), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
