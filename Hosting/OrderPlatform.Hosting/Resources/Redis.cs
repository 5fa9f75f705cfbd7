using System.Net.Sockets;
using System.Text;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting;

/// <summary>Redis: a local <c>redis-server</c> by default, the official image when an engine answers.</summary>
public sealed class RedisResource(string name, ParameterResource password) : ContainerResource(name), IResourceWithConnectionString
{
    /// <summary>The <c>requirepass</c> parameter.</summary>
    public ParameterResource Password { get; } = password;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var tcp = new EndpointReference(this, "tcp");
            return ReferenceExpression.Create($"{tcp.Property(EndpointProperty.Host)}:{tcp.Property(EndpointProperty.Port)},password={Password}");
        }
    }
}

/// <summary>Redis verbs.</summary>
public static class RedisExtensions
{
    /// <summary>Adds Redis with a generated password (no special characters: it sits in a StackExchange connection string).</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var pw = builder.AddGeneratedParameter($"{name}-password", new GenerateParameterDefault(MinLength: 22, Special: false)).Resource;
        var redis = new RedisResource(name, pw);
        return builder.AddResource(redis)
            .WithEndpoint("tcp", "tcp", targetPort: 6379)
            .WithAnnotation(new ContainerImageAnnotation("docker.io", "library/redis", "8.2"))
            .WithAnnotation(new ContainerEntrypointAnnotation("/bin/sh"))
            .WithAnnotation(new ContainerVolumeAnnotation($"orderplatform-{name}-data", "/data"))
            .WithArgs("-c", "redis-server --requirepass $REDIS_PASSWORD --save 60 1")
            .WithEnvironment(ctx => ctx.EnvironmentVariables["REDIS_PASSWORD"] = pw)
            .WithAnnotation(new LocalLaunchAnnotation(new RedisLauncher(redis)))
            .WithAnnotation(new HealthCheckAnnotation("redis", async ct => await PingAsync(redis, ct).ConfigureAwait(false)));
    }

    private static async Task<HealthProbeResult> PingAsync(RedisResource redis, CancellationToken ct)
    {
        var endpoint = redis.Annotations.OfKind<EndpointAnnotation>().First(e => e.Name == "tcp").Allocated!;
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, ct).ConfigureAwait(false);
        var stream = client.GetStream();
        var password = await redis.Password.GetValueAsync(ct).ConfigureAwait(false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {password}\r\nPING\r\n"), ct).ConfigureAwait(false);
        var buffer = new byte[256];
        var text = "";
        while (!text.Contains("PONG", StringComparison.Ordinal) && !text.Contains("-", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            text += Encoding.ASCII.GetString(buffer, 0, read);
        }
        return text.Contains("+PONG", StringComparison.Ordinal)
            ? HealthProbeResult.Pass("PING answered PONG.")
            : HealthProbeResult.Fail("PING was not answered with PONG (loading or auth failure).");
    }
}

/// <summary>Runs <c>redis-server</c> with a config file (owner-only) so the password never appears in <c>ps</c>.</summary>
internal sealed class RedisLauncher(RedisResource redis) : ILocalLauncher, IPrerequisiteCheck
{
    public string? CheckPrerequisites(ContainerRuntimeMode runtime) =>
        runtime == ContainerRuntimeMode.Containers || BinaryLocator.Find("redis-server") is not null ? null
        : "redis-server: sudo apt-get install -y redis-server";

    public async Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken)
    {
        var password = await redis.Password.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "";
        if (context.Runtime == ContainerRuntimeMode.Containers)
        {
            return ContainerLaunch.Spec(context, context.Environment, context.Args) with { Secrets = [password] };
        }
        Directory.CreateDirectory(context.DataDirectory);
        var port = redis.Annotations.OfKind<EndpointAnnotation>().First(e => e.Name == "tcp").Allocated!.Port;
        var config = Path.Combine(context.DataDirectory, "redis.conf");
        await File.WriteAllTextAsync(config, string.Join('\n',
            $"port {port}", "bind 127.0.0.1", "protected-mode yes", "daemonize no", $"requirepass {password}",
            $"dir {context.DataDirectory}", "save 60 1", "appendonly no", "logfile \"\"", ""), cancellationToken).ConfigureAwait(false);
        FilePermissions.OwnerOnly(config);
        return new LaunchSpec(BinaryLocator.Find("redis-server")!, [config]) { WorkingDirectory = context.DataDirectory, Secrets = [password] };
    }
}
