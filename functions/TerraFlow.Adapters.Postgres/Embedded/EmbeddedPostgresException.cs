namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>The embedded PostgreSQL cluster could not be found, initialized, started or stopped.</summary>
public sealed class EmbeddedPostgresException : Exception
{
    public EmbeddedPostgresException()
    {
    }

    public EmbeddedPostgresException(string message)
        : base(message)
    {
    }

    public EmbeddedPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Builds a message that ends with the last lines of the server log, where the real reason usually is.</summary>
    internal static EmbeddedPostgresException WithLogTail(string message, string logFile, Exception? inner = null)
    {
        var full = $"{message}{Environment.NewLine}--- last lines of {logFile} ---{Environment.NewLine}{ReadTail(logFile, 40)}";
        return inner is null ? new EmbeddedPostgresException(full) : new EmbeddedPostgresException(full, inner);
    }

    internal static string ReadTail(string logFile, int lines)
    {
        try
        {
            if (!File.Exists(logFile))
            {
                return "(no log file was written)";
            }

            var all = File.ReadAllLines(logFile);
            return string.Join(Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException ex)
        {
            return $"(could not read the log: {ex.Message})";
        }
        catch (UnauthorizedAccessException ex)
        {
            return $"(could not read the log: {ex.Message})";
        }
    }
}
