using Microsoft.Extensions.Logging;

namespace OrderPlatform.TemporalDev;

/// <summary>Settings for <see cref="TemporalDevServer"/>; the command line maps onto the same names.</summary>
public sealed class TemporalDevServerOptions
{
    /// <summary>Address to listen on (the CLI's <c>--ip</c>). Defaults to loopback.</summary>
    public string Ip { get; set; } = "127.0.0.1";

    /// <summary>Port for the gRPC endpoint (<c>--port</c>); 0 picks a free port, read it back from <see cref="TemporalDevServer.Target"/>.</summary>
    public int Port { get; set; }

    /// <summary>Namespaces to register besides <c>default</c> (<c>--namespace</c>).</summary>
    public IList<string> Namespaces { get; } = [];

    /// <summary>SQLite file that keeps executions across restarts (<c>--db-filename</c>); null keeps everything in memory.</summary>
    public string? DbFilename { get; set; }

    /// <summary>How long task polls and result waits are held before an empty reply (the SDK re-polls).</summary>
    public TimeSpan LongPollHold { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>WorkflowService method names to answer with UNIMPLEMENTED; lets tests prove the SDK tolerates it.</summary>
    public IList<string> UnimplementedMethods { get; } = [];

    /// <summary>Logging for the server; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
