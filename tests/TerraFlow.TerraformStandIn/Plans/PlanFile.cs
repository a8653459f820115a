using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TerraFlow.TerraformStandIn.Plans;

/// <summary>
/// The saved plan file (<c>-out=FILE</c>). Real Terraform writes a zip archive, so the stand-in does too:
/// <c>tfplan-standin.json</c> holds the replayed plan JSON and <c>standin-manifest.json</c> says who wrote it.
/// Entry timestamps are fixed so the same plan always produces byte-identical files (stable hashes).
/// </summary>
internal static class PlanFile
{
    public const string PlanEntryName = "tfplan-standin.json";
    public const string ManifestEntryName = "standin-manifest.json";

    private static readonly DateTimeOffset FixedTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Write(string path, byte[] planJson, string workspace)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create);
        AddEntry(archive, ManifestEntryName, Manifest(planJson, workspace));
        AddEntry(archive, PlanEntryName, planJson);
    }

    /// <summary>Returns the plan JSON stored in the file.</summary>
    /// <exception cref="InvalidDataException">Missing file, not a zip, or not written by the stand-in.</exception>
    public static byte[] Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"open {path}: no such file or directory");
        }

        try
        {
            using var archive = ZipFile.OpenRead(path);
            var entry = archive.GetEntry(PlanEntryName)
                ?? throw new InvalidDataException($"{path} is a zip archive but has no {PlanEntryName} entry");
            using var entryStream = entry.Open();
            using var buffer = new MemoryStream();
            entryStream.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException ex) when (!ex.Message.Contains(PlanEntryName, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is not a saved plan file (not a zip archive written by \"terraform plan -out\"): {ex.Message}", ex);
        }
    }

    private static void AddEntry(ZipArchive archive, string name, byte[] content)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTimestamp;
        using var entryStream = entry.Open();
        entryStream.Write(content);
    }

    private static byte[] Manifest(byte[] planJson, string workspace)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", "terraform-standin-plan");
            writer.WriteNumber("format_version", 1);
            writer.WriteString("terraform_version", StandInIdentity.Version);
            writer.WriteString("workspace", workspace);
            writer.WriteString("plan_sha256", Convert.ToHexStringLower(SHA256.HashData(planJson)));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Hex SHA-256 of a file, recorded in the apply log.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string ToText(byte[] utf8) => Encoding.UTF8.GetString(utf8);
}
