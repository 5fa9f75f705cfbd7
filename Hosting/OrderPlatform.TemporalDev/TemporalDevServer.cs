using System.Net;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrderPlatform.TemporalDev.Engine;
using OrderPlatform.TemporalDev.Grpc;
using OrderPlatform.TemporalDev.Persistence;

namespace OrderPlatform.TemporalDev;

/// <summary>
/// An in-memory, single-node Temporal WorkflowService for local runs and tests, served as gRPC over cleartext HTTP/2.
/// Start it in-process with <see cref="StartAsync"/>, or run the executable with the Temporal CLI's
/// <c>server start-dev</c> arguments. Production uses a real Temporal cluster.
/// </summary>
public sealed class TemporalDevServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WorkflowEngine _engine;
    private readonly RunStore? _store;
    private readonly ServerSettings _settings;

    private TemporalDevServer(WebApplication app, WorkflowEngine engine, RunStore? store, ServerSettings settings, string target)
    {
        _app = app;
        _engine = engine;
        _store = store;
        _settings = settings;
        Target = target;
    }

    /// <summary>The bound endpoint as <c>host:port</c>, the form Temporal clients take as their target host.</summary>
    public string Target { get; }

    /// <summary>How often each WorkflowService method has been called, by method name.</summary>
    public IReadOnlyDictionary<string, long> CallCounts => _settings.CallCounts;

    /// <summary>Binds the endpoint and starts serving; completes once the port accepts calls.</summary>
    public static async Task<TemporalDevServer> StartAsync(TemporalDevServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ILoggerFactory loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        RunStore? store = options.DbFilename is { Length: > 0 } path ? new RunStore(path) : null;
        var engine = new WorkflowEngine(options.Namespaces, store, options.LongPollHold, loggerFactory.CreateLogger<WorkflowEngine>());
        var settings = new ServerSettings(options.UnimplementedMethods);

        // The empty builder skips configuration files, environment binding and default logging: startup time matters
        // because WorkflowEnvironment gives the process five seconds to answer.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        // Embedded in another process (AppHost, tests) the server must not take over Ctrl+C/SIGTERM handling.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(engine);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<WorkflowServiceEndpoint>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = 64 * 1024 * 1024;
            o.MaxSendMessageSize = 64 * 1024 * 1024;
            o.EnableDetailedErrors = true;
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<WorkflowServiceEndpoint>, WorkflowServiceMethodProvider>());
        builder.WebHost.ConfigureKestrel(k =>
        {
            // h2c needs HTTP/2 only: with Http1AndHttp2 over cleartext Kestrel cannot negotiate prior-knowledge HTTP/2.
            IPAddress listenOn = options.Ip == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Ip);
            k.Listen(listenOn, options.Port, l => l.Protocols = HttpProtocols.Http2);
            k.Limits.Http2.MaxStreamsPerConnection = 10_000;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Limits.MinRequestBodyDataRate = null;
        });

        WebApplication app = builder.Build();
        app.MapGrpcService<WorkflowServiceEndpoint>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        string host = options.Ip is "0.0.0.0" or "localhost" ? "127.0.0.1" : options.Ip;
        return new TemporalDevServer(app, engine, store, settings, $"{host}:{uri.Port}");
    }

    /// <summary>Stops serving, releasing held long polls, and closes the database file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _store?.Dispose();
    }
}

/// <summary>A host lifetime that leaves process signals to the caller.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
