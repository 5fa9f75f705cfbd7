using Npgsql;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting;

/// <summary>A Postgres server: a local <c>postgres</c> executable by default, the official image when an engine answers.</summary>
public sealed class PostgresServerResource(string name, ParameterResource password) : ContainerResource(name), IResourceWithConnectionString
{
    /// <summary>Superuser name.</summary>
    public const string UserName = "postgres";

    /// <summary>Superuser password parameter.</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>Databases created on first start.</summary>
    public Dictionary<string, string> Databases { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var tcp = new EndpointReference(this, "tcp");
            return ReferenceExpression.Create(
                $"Host={tcp.Property(EndpointProperty.Host)};Port={tcp.Property(EndpointProperty.Port)};Username={UserName};Password={Password}");
        }
    }
}

/// <summary>A database on a Postgres server; created once the server is healthy.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithParent, IResourceWithConnectionString
{
    /// <summary>Database name in the server.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <inheritdoc cref="IResourceWithParent.Parent" />
    public PostgresServerResource Parent { get; } = parent;

    IResource IResourceWithParent.Parent => Parent;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}

/// <summary>Postgres verbs.</summary>
public static class PostgresExtensions
{
    /// <summary>Adds a Postgres server with a generated password (<c>{name}-password</c>) and a built-in health check.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource>? password = null)
    {
        var pw = password?.Resource ?? builder.AddGeneratedParameter($"{name}-password", new GenerateParameterDefault(MinLength: 22)).Resource;
        var server = new PostgresServerResource(name, pw);
        return builder.AddResource(server)
            .WithEndpoint("tcp", "tcp", targetPort: 5432)
            .WithAnnotation(new ContainerImageAnnotation("docker.io", "library/postgres", "17.6"))
            .WithAnnotation(new ContainerVolumeAnnotation($"orderplatform-{name}-data", "/var/lib/postgresql/data"))
            .WithEnvironment(ctx =>
            {
                ctx.EnvironmentVariables["POSTGRES_HOST_AUTH_METHOD"] = "scram-sha-256";
                ctx.EnvironmentVariables["POSTGRES_INITDB_ARGS"] = "--auth-host=scram-sha-256 --auth-local=scram-sha-256";
                ctx.EnvironmentVariables["POSTGRES_USER"] = PostgresServerResource.UserName;
                ctx.EnvironmentVariables["POSTGRES_PASSWORD"] = pw;
            })
            .WithAnnotation(new LocalLaunchAnnotation(new PostgresLauncher(server)))
            .WithAnnotation(new HealthCheckAnnotation("postgres", async ct =>
            {
                await using var connection = new NpgsqlConnection(await server.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false) + ";Timeout=3;Pooling=false");
                await connection.OpenAsync(ct).ConfigureAwait(false);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
                return HealthProbeResult.Pass("SELECT 1 answered.");
            }));
    }

    /// <summary>Adds a database, created when the server first becomes healthy.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        var db = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.Databases[name] = db.DatabaseName;
        return builder.ApplicationBuilder.AddResource(db);
    }
}

/// <summary>
/// Runs <c>postgres</c> from PATH or <c>/usr/lib/postgresql/*/bin</c>: initdb into the data folder on first run
/// (persisted across runs), then the server on its allocated port, loopback only, no unix socket. Postgres refuses
/// to run as root, so as root both run as the <c>postgres</c> system user through <c>setpriv</c>.
/// </summary>
internal sealed class PostgresLauncher(PostgresServerResource server) : ILocalLauncher, IPrerequisiteCheck
{
    public string? CheckPrerequisites(ContainerRuntimeMode runtime)
    {
        if (runtime == ContainerRuntimeMode.Containers)
        {
            return null;
        }
        if (Find("postgres") is null || Find("initdb") is null)
        {
            return "postgres and initdb (PostgreSQL server): sudo apt-get install -y postgresql";
        }
        return IsRoot && (BinaryLocator.Find("setpriv") is null || !SystemUserExists("postgres"))
            ? "running as root needs the 'postgres' system user and setpriv: sudo apt-get install -y postgresql util-linux"
            : null;
    }

    public async Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken)
    {
        var password = await server.Password.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "";
        var port = server.Annotations.OfKind<EndpointAnnotation>().First(e => e.Name == "tcp").Allocated!.Port;
        if (context.Runtime == ContainerRuntimeMode.Containers)
        {
            return ContainerLaunch.Spec(context, context.Environment, context.Args) with { StopSignal = Signals.SigTerm, Secrets = [password] };
        }
        var dataDir = Path.Combine(context.DataDirectory, "data");
        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            await InitDbAsync(context, dataDir, password, cancellationToken).ConfigureAwait(false);
        }
        string[] serverArgs = ["-D", dataDir, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"];
        return AsPostgresUser(Find("postgres")!, serverArgs) with { StopSignal = Signals.SigInt, Secrets = [password] };
    }

    public async Task OnReadyAsync(LaunchContext context, CancellationToken cancellationToken)
    {
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false) + ";Pooling=false";
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var database in server.Databases.Values)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", connection);
            exists.Parameters.AddWithValue("n", database);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                context.Log($"created database {database}");
            }
        }
    }

    private async Task InitDbAsync(LaunchContext context, string dataDir, string password, CancellationToken cancellationToken)
    {
        context.Log($"initdb into {dataDir} (first run)");
        Directory.CreateDirectory(dataDir);
        var pwFile = Path.Combine(context.DataDirectory, ".pwfile");
        await File.WriteAllTextAsync(pwFile, password, cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsRoot)
            {
                await ToolProcess.RunAsync("chown", ["-R", "postgres:postgres", context.DataDirectory], context, cancellationToken).ConfigureAwait(false);
            }
            FilePermissions.OwnerOnly(pwFile);
            var spec = AsPostgresUser(Find("initdb")!, ["-D", dataDir, "-U", PostgresServerResource.UserName, "--pwfile", pwFile,
                "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
            await ToolProcess.RunAsync(spec.FileName, spec.Args, context, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(pwFile);
        }
    }

    private static LaunchSpec AsPostgresUser(string file, string[] args) => IsRoot
        ? new LaunchSpec(BinaryLocator.Find("setpriv")!, ["--reuid=postgres", "--regid=postgres", "--clear-groups", "--", file, .. args])
        : new LaunchSpec(file, args);

    private static string? Find(string name) => BinaryLocator.Find(name, BinaryLocator.PostgresDirectories());

    private static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private static bool SystemUserExists(string user) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(user + ":", StringComparison.Ordinal));
}
