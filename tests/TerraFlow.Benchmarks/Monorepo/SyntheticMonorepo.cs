using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TerraFlow.Benchmarks.Monorepo;

/// <summary>
/// Writes a synthetic Terraform monorepo straight into a bare repository with <c>git fast-import</c> (seconds, not
/// minutes): a long history of incompressible blobs (random bytes, <see cref="BlobMegabytes"/> each, deleted again
/// before the tip, so they weigh on every clone but not on the checkout), then on <c>main</c> the layout:
/// <c>projects/pNNN/main.tf</c> (each calls the shared local module <c>modules/network</c>, which calls
/// <c>modules/naming</c>) with <c>terraform_data</c> resources only (no provider download). Each pull request branch
/// <c>feature-N</c> changes <c>modules/network/main.tf</c>, so it affects every project.
/// </summary>
public sealed class SyntheticMonorepo
{
    public const int BlobMegabytes = 4;

    public required string BarePath { get; init; }
    public required string BaseSha { get; init; }
    public required IReadOnlyList<string> HeadShas { get; init; }
    public required int Projects { get; init; }
    public required long HistoryBytes { get; init; }

    public static SyntheticMonorepo Create(string barePath, int projects, int historyMegabytes, int pullRequests)
    {
        Directory.CreateDirectory(barePath);
        Git(barePath, "init", "--bare", "--quiet", "--initial-branch=main");
        var psi = new ProcessStartInfo("git", ["fast-import", "--quiet", "--done"])
        {
            WorkingDirectory = barePath,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.Environment["GIT_DIR"] = barePath;
        using var process = Process.Start(psi)!;
        var input = process.StandardInput.BaseStream;
        var when = 1_600_000_000L;
        var mark = 0;
        var blobs = Math.Max(1, historyMegabytes / BlobMegabytes);
        var random = new Random(18);
        var buffer = new byte[BlobMegabytes * 1024 * 1024];
        long historyBytes = 0;
        int? previous = null;
        for (var i = 0; i < blobs; i++)
        {
            random.NextBytes(buffer);
            var blob = ++mark;
            Write(input, $"blob\nmark :{blob}\ndata {buffer.Length}\n");
            input.Write(buffer);
            Write(input, "\n");
            historyBytes += buffer.Length;
            var commit = ++mark;
            Commit(input, "refs/heads/main", commit, previous, when++, $"archive {i}",
                $"M 100644 :{blob} archive/blob-{i:D4}.bin\n" + Inline("README.md", $"history commit {i}\n"));
            previous = commit;
        }
        var layout = new StringBuilder("D archive\n");
        layout.Append(Inline("modules/naming/main.tf", NamingModule));
        layout.Append(Inline("modules/network/main.tf", NetworkModule("10.0.0.0/16")));
        for (var p = 0; p < projects; p++)
            layout.Append(Inline($"projects/p{p:D3}/main.tf", Project(p)));
        var main = ++mark;
        Commit(input, "refs/heads/main", main, previous, when++, "monorepo layout", layout.ToString());
        for (var n = 1; n <= pullRequests; n++)
        {
            Commit(input, $"refs/heads/feature-{n}", ++mark, main, when++, $"widen the network ({n})",
                Inline("modules/network/main.tf", NetworkModule($"10.{n}.0.0/16")));
        }
        Write(input, "done\n");
        input.Close();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git fast-import failed ({process.ExitCode})");
        return new SyntheticMonorepo
        {
            BarePath = barePath,
            BaseSha = Git(barePath, "rev-parse", "refs/heads/main"),
            HeadShas = Enumerable.Range(1, pullRequests).Select(n => Git(barePath, "rev-parse", $"refs/heads/feature-{n}")).ToList(),
            Projects = projects,
            HistoryBytes = historyBytes,
        };
    }

    private const string NamingModule = """
        variable "prefix" {
          type = string
        }

        output "full" {
          value = "${var.prefix}-synthetic"
        }
        """;

    private static string NetworkModule(string cidr) => $$"""
        variable "name" {
          type = string
        }

        module "naming" {
          source = "../naming"
          prefix = var.name
        }

        resource "terraform_data" "network" {
          input = "${module.naming.full}:{{cidr}}"
        }

        output "id" {
          value = terraform_data.network.output
        }
        """;

    private static string Project(int p) => $$"""
        module "network" {
          source = "../../modules/network"
          name   = "p{{p:D3}}"
        }

        resource "terraform_data" "app" {
          input = module.network.id
        }
        """;

    private static void Commit(Stream input, string branch, int mark, int? parent, long when, string message, string changes)
    {
        var who = $"Synthetic <synthetic@example.com> {when.ToString(CultureInfo.InvariantCulture)} +0000";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"commit {branch}\nmark :{mark}\nauthor {who}\ncommitter {who}\n");
        text.Append(CultureInfo.InvariantCulture, $"data {Encoding.UTF8.GetByteCount(message)}\n{message}\n");
        if (parent is int from) text.Append(CultureInfo.InvariantCulture, $"from :{from}\n");
        text.Append(changes);
        text.Append('\n');
        Write(input, text.ToString());
    }

    private static string Inline(string path, string content) =>
        $"M 100644 inline {path}\ndata {Encoding.UTF8.GetByteCount(content)}\n{content}\n";

    private static void Write(Stream input, string text) => input.Write(Encoding.UTF8.GetBytes(text));

    private static string Git(string gitDir, params string[] args)
    {
        var psi = new ProcessStartInfo("git", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["GIT_DIR"] = gitDir;
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
        return output.Trim();
    }
}
