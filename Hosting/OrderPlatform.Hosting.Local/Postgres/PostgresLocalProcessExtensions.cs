using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.LocalProcesses;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Postgres as a local <c>postgres</c> process where no container engine answers.</summary>
public static class PostgresLocalProcessExtensions
{
    /// <summary>
    /// Runs the official Postgres resource as a local <c>postgres</c> (Debian's <c>postgresql</c> package) when no
    /// container engine answers. Aspire's own parts keep working: the health check, database creation for
    /// <c>AddDatabase</c>, connection strings and <c>POSTGRES_*</c>-free env shapes.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> WithLocalProcessFallback(this IResourceBuilder<PostgresServerResource> builder) =>
        builder.WithLocalProcessFallback(new PostgresLauncher(builder.Resource));
}

/// <summary>
/// initdb into the data folder on first run (kept across F5 runs), then the server on the pinned port, loopback only,
/// no unix socket. Postgres refuses root, so as root both run as the <c>postgres</c> system user through setpriv.
/// </summary>
internal sealed class PostgresLauncher(PostgresServerResource server) : ILocalProcessLauncher
{
    public string? MissingPrerequisite()
    {
        if (Find("postgres") is null || Find("initdb") is null)
        {
            return "postgres and initdb (PostgreSQL server) are missing: sudo apt-get install -y postgresql postgresql-contrib";
        }
        return Binaries.IsRoot && (Binaries.Find("setpriv") is null || !Binaries.SystemUserExists("postgres"))
            ? "running as root needs the 'postgres' system user and setpriv: sudo apt-get install -y postgresql util-linux"
            : null;
    }

    public async Task<LocalProcessSpec> PrepareAsync(LocalProcessContext context, CancellationToken cancellationToken)
    {
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "";
        var user = server.UserNameParameter is { } u ? await u.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "postgres" : "postgres";
        var dataDir = Path.Combine(context.DataDirectory, "pgdata");
        ThrowIfPostgresUserCannotReach(context.DataDirectory);
        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            await InitDbAsync(context, dataDir, user, password, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SyncPasswordAsync(context, dataDir, user, password, cancellationToken).ConfigureAwait(false);
        }
        var port = context.Port("tcp").ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] args = ["-D", dataDir, "-p", port, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "max_connections=200", .. context.Ephemeral ? new[] { "-c", "fsync=off" } : []];
        return AsPostgresUser(Find("postgres")!, args) with { StopSignal = StopSignal.Interrupt };
    }

    private static async Task InitDbAsync(LocalProcessContext context, string dataDir, string user, string password, CancellationToken cancellationToken)
    {
        context.Logger.LogInformation("initdb into {DataDir} (first run)", dataDir);
        Directory.CreateDirectory(dataDir);
        var pwFile = Path.Combine(context.DataDirectory, ".pwfile");
        await File.WriteAllTextAsync(pwFile, password, cancellationToken).ConfigureAwait(false);
        try
        {
            LocalProcessContext.OwnerOnly(pwFile);
            if (Binaries.IsRoot)
            {
                await context.RunToolAsync("chown", ["-R", "postgres:postgres", context.DataDirectory], cancellationToken).ConfigureAwait(false);
            }
            var spec = AsPostgresUser(Find("initdb")!, ["-D", dataDir, "-U", user, "--pwfile", pwFile,
                "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
            await context.RunToolAsync(spec.FileName, spec.Args, cancellationToken).ConfigureAwait(false);
            await WriteStampAsync(context, password, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(pwFile);
        }
    }

    // A kept data folder outlives the password parameter (user secrets cleared, another machine's folder): set the
    // current password in single-user mode, which needs no login, whenever its fingerprint changed.
    private static async Task SyncPasswordAsync(LocalProcessContext context, string dataDir, string user, string password, CancellationToken cancellationToken)
    {
        var stamp = StampPath(context);
        if (File.Exists(stamp) && await File.ReadAllTextAsync(stamp, cancellationToken).ConfigureAwait(false) == Fingerprint(password))
        {
            return;
        }
        context.Logger.LogInformation("setting the password of '{User}' from the current parameter (single-user mode)", user);
        var spec = AsPostgresUser(Find("postgres")!, ["--single", "-D", dataDir, "-c", "log_min_error_statement=panic", "postgres"]);
        var quotedUser = "\"" + user.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        // On stdin, never in the arguments (ps) or the log: single-user mode does not echo statements, and a failing one
        // is not repeated in the error output (log_min_error_statement).
        await context.RunToolAsync(spec.FileName, spec.Args, cancellationToken,
            input: $"ALTER USER {quotedUser} PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}';").ConfigureAwait(false);
        await WriteStampAsync(context, password, cancellationToken).ConfigureAwait(false);
    }

    private static string StampPath(LocalProcessContext context) => Path.Combine(context.DataDirectory, ".password.sha256");

    private static string Fingerprint(string password) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(password)));

    /// <summary>Records which password the data folder now has (a hash, owner-only), so the next start can tell.</summary>
    private static async Task WriteStampAsync(LocalProcessContext context, string password, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(StampPath(context), Fingerprint(password), cancellationToken).ConfigureAwait(false);
        LocalProcessContext.OwnerOnly(StampPath(context));
    }

    // As root the server runs as the postgres user, which must be able to walk down to its data folder; initdb would
    // otherwise fail with a bare "Permission denied".
    private static void ThrowIfPostgresUserCannotReach(string directory)
    {
        if (!Binaries.IsRoot || OperatingSystem.IsWindows())
        {
            return;
        }
        for (var dir = Directory.GetParent(directory); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && (File.GetUnixFileMode(dir.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                throw new DistributedApplicationException(
                    $"The postgres user cannot reach {directory}: {dir.FullName} is not searchable by others. "
                    + $"Pick a data folder outside it (--data-dir) or run: chmod o+x {dir.FullName}");
            }
        }
    }

    private static LocalProcessSpec AsPostgresUser(string file, string[] args) => Binaries.IsRoot
        ? new LocalProcessSpec(Binaries.Find("setpriv")!, ["--reuid=postgres", "--regid=postgres", "--clear-groups", "--", file, .. args])
        : new LocalProcessSpec(file, args);

    private static string? Find(string name) => Binaries.Find(name, Binaries.PostgresDirectories());
}
