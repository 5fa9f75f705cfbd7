using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.LocalProcesses;

namespace Aspire.Hosting;

/// <summary>Redis as a local <c>redis-server</c> where no container engine answers.</summary>
public static class RedisLocalProcessExtensions
{
    /// <summary>
    /// Runs the official Redis resource as a local <c>redis-server</c> (Debian's <c>redis-server</c> package) when no
    /// container engine answers, with the same password and connection string. TLS (which Aspire turns on when a dev
    /// certificate exists) is off: a loopback-only dev server gains nothing from it.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithLocalProcessFallback(this IResourceBuilder<RedisResource> builder)
    {
#pragma warning disable ASPIRECERTIFICATES001 // Evaluation API; the only way to keep Aspire from switching Redis to TLS.
        return builder.WithoutHttpsCertificate().WithLocalProcessFallback(new RedisLauncher(builder.Resource));
#pragma warning restore ASPIRECERTIFICATES001
    }
}

/// <summary>Runs <c>redis-server</c> with an owner-only config file, so the password never appears in <c>ps</c>.</summary>
internal sealed class RedisLauncher(RedisResource redis) : ILocalProcessLauncher
{
    public string? MissingPrerequisite() =>
        Binaries.Find("redis-server") is null ? "redis-server is missing: sudo apt-get install -y redis-server" : null;

    public async Task<LocalProcessSpec> PrepareAsync(LocalProcessContext context, CancellationToken cancellationToken)
    {
        var password = redis.PasswordParameter is { } p ? await p.GetValueAsync(cancellationToken).ConfigureAwait(false) : null;
        var port = context.Port("tcp");
        var config = Path.Combine(context.DataDirectory, "redis.conf");
        List<string> lines = [$"port {port}", "bind 127.0.0.1", "protected-mode yes", "daemonize no",
            $"dir {context.DataDirectory}", context.Ephemeral ? "save \"\"" : "save 60 1", "appendonly no", "logfile \"\""];
        if (password is { Length: > 0 })
        {
            lines.Add($"requirepass {password}");
        }
        await File.WriteAllTextAsync(config, string.Join('\n', lines) + "\n", cancellationToken).ConfigureAwait(false);
        LocalProcessContext.OwnerOnly(config);
        return new LocalProcessSpec(Binaries.Find("redis-server")!, [config]);
    }
}
