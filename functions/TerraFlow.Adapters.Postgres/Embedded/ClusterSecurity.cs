using Microsoft.Extensions.Logging;
using Npgsql;

namespace TerraFlow.Adapters.Postgres.Embedded;

/// <summary>
/// Password authentication and least-privilege roles for a persistent cluster, applied at every start so that data
/// folders made by earlier versions (trust on loopback, TerraFlow connected as the superuser) are migrated in place:
/// set the superuser's password, create the application role (owner of the TerraFlow database and its objects, not a
/// superuser) and the runner role (job tables only, granted by migration 0008), rewrite pg_hba.conf to
/// scram-sha-256 and reload. Idempotent.
/// </summary>
internal static class ClusterSecurity
{
    private const string ManagedHbaHeader = "# Written by TerraFlow: password (scram-sha-256) authentication only.";

    /// <summary>pg_hba.conf that admits nobody without a password; TerraFlow rewrites it at start.</summary>
    public static string ManagedHba =>
        ManagedHbaHeader + "\n" +
        "# Edits are replaced at the next start. TYPE DATABASE USER ADDRESS METHOD\n" +
        "local all all scram-sha-256\n" +
        "host all all 127.0.0.1/32 scram-sha-256\n" +
        "host all all ::1/128 scram-sha-256\n";

    /// <summary>Only used to let the owner of the data folder set passwords the cluster does not know yet (lost password file).</summary>
    private const string RecoveryHba = "# Temporary (TerraFlow is setting new passwords): loopback trust until the next reload.\nhost all all 127.0.0.1/32 trust\n";

    public static bool IsManaged(string dataDirectory)
    {
        var hba = Path.Combine(dataDirectory, "pg_hba.conf");
        return File.Exists(hba) && File.ReadLines(hba).FirstOrDefault() == ManagedHbaHeader;
    }

    /// <summary>Overwrites in place, so the file keeps its owner (the postgres account when we run as root).</summary>
    public static Task WriteManagedHbaAsync(string dataDirectory, CancellationToken ct) =>
        File.WriteAllTextAsync(Path.Combine(dataDirectory, "pg_hba.conf"), ManagedHba, ct);

    public static Task WriteRecoveryHbaAsync(string dataDirectory, CancellationToken ct) =>
        File.WriteAllTextAsync(Path.Combine(dataDirectory, "pg_hba.conf"), RecoveryHba, ct);

    /// <summary>Roles, passwords, database and object ownership, then pg_hba.conf and a reload.</summary>
    public static async Task ApplyAsync(
        int port, string dataDirectory, string database, ClusterRoles roles, ClusterPasswords passwords, ILogger logger, CancellationToken ct)
    {
        var migrating = !IsManaged(dataDirectory);
        var admin = PostgresReadiness.ConnectionString(port, roles.Superuser, "postgres", pooling: false, passwords.Superuser);
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            // Statements carry passwords: they are built from hex strings only and never logged.
            await ExecuteAsync(connection, $"""
                set password_encryption = 'scram-sha-256';
                alter role {Q(roles.Superuser)} with password '{passwords.Superuser}';
                {EnsureRole(roles.Application, passwords.Application)}
                {EnsureRole(roles.Runner, passwords.Runner)}
                """, ct).ConfigureAwait(false);
            await EnsureDatabaseOwnedByAsync(connection, database, roles.Application, ct).ConfigureAwait(false);
        }

        var onDatabase = PostgresReadiness.ConnectionString(port, roles.Superuser, database, pooling: false, passwords.Superuser);
        await using (var connection = new NpgsqlConnection(onDatabase))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await ExecuteAsync(connection, ReassignToApplication(roles.Application), ct).ConfigureAwait(false);
            if (!IsManaged(dataDirectory) || !passwords.Existed)
            {
                await WriteManagedHbaAsync(dataDirectory, ct).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, "select pg_reload_conf()", ct).ConfigureAwait(false);
        }

        CrashHook.Reached(CrashHook.AfterRoles);
        if (migrating)
        {
            logger.LogWarning(
                "Migrated the embedded PostgreSQL in {DataDirectory} to password authentication: TerraFlow now connects as {Application} " +
                "(not a superuser); passwords are in {PasswordFile}", dataDirectory, roles.Application, ClusterPasswords.FileFor(dataDirectory));
        }
    }

    private static string EnsureRole(string role, string password) => $"""
        do $$ begin
          if not exists (select 1 from pg_roles where rolname = '{role}') then
            create role {Q(role)};
          end if;
        end $$;
        alter role {Q(role)} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password '{password}';
        """;

    private static async Task EnsureDatabaseOwnedByAsync(NpgsqlConnection connection, string database, string owner, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
        {
            try
            {
                await ExecuteAsync(connection, $"create database {Q(database)} owner {Q(owner)} template template0", ct).ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Created concurrently by another host on the same folder; fall through to fix the owner.
            }
        }

        await ExecuteAsync(connection, $"alter database {Q(database)} owner to {Q(owner)}", ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Earlier versions created everything as the superuser. Sequences owned by a column move with their table
    /// (altering them on their own is an error); the bootstrap superuser cannot be REASSIGN OWNED, hence the loop.
    /// </summary>
    private static string ReassignToApplication(string application) => $$"""
        alter schema public owner to {{Q(application)}};
        do $$
        declare r record;
        begin
          for r in
            select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relowner <> '{{application}}'::regrole and c.relkind in ('r', 'p', 'v', 'm', 'S')
              and not (c.relkind = 'S' and exists (
                select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
          loop
            execute format('alter %s public.%I owner to %I',
              case r.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
              r.relname, '{{application}}');
          end loop;
          for r in
            select p.oid::regprocedure as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'public' and p.proowner <> '{{application}}'::regrole
          loop
            execute format('alter routine %s owner to %I', r.signature, '{{application}}');
          end loop;
        end $$;
        """;

    private static string Q(string identifier) => SqlIdentifier.Quote(identifier);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
