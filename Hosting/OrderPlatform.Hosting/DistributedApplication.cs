using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Dashboard;
using OrderPlatform.Hosting.Orchestration;
using OrderPlatform.Hosting.Publishing;

namespace OrderPlatform.Hosting;

/// <summary>
/// A built app model. <see cref="Run"/> either publishes (with <c>--publisher</c>) or starts the graph, shows
/// progress and the dashboard URL, and stops everything in reverse dependency order on Ctrl+C / SIGTERM.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly DistributedApplicationBuilder _builder;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Orchestrator _orchestrator;
    private readonly ConsoleReporter _reporter;
    private IAsyncDisposable? _dashboard;
    private int _stopped;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        _builder = builder;
        Options = builder.Options;
        ResourceNotifications = new ResourceNotificationService(_stopping.Token);
        ResourceLogs = new ResourceLoggerService();
        Context = new OrchestratorContext
        {
            Notifications = ResourceNotifications,
            Logs = ResourceLogs,
            ExecutionContext = builder.ExecutionContext,
            DataDirectory = DataDirectoryFor(builder),
            ToolsDirectory = ToolsDirectoryFor(),
            InstanceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            Resources = [.. builder.Resources],
            Stopping = _stopping.Token,
            Ephemeral = builder.Options.IsTesting,
        };
        _orchestrator = new Orchestrator(Context, Options);
        _reporter = new ConsoleReporter(ResourceNotifications, Options.ConsoleProgress);
    }

    /// <summary>Creates a builder from the AppHost's arguments (<c>--publisher</c>, <c>--output-path</c>, <c>--runtime</c>, <c>--no-dashboard</c>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IDistributedApplicationBuilder CreateBuilder(string[] args)
    {
        var options = DistributedApplicationOptions.Parse(args);
        DistributedApplicationTestingHook.Configure(options);
        return new DistributedApplicationBuilder(options, AppHostDirectory(Assembly.GetCallingAssembly()));
    }

    /// <summary>Resource states and waits.</summary>
    public ResourceNotificationService ResourceNotifications { get; }

    /// <summary>Captured console output per resource.</summary>
    public ResourceLoggerService ResourceLogs { get; }

    /// <summary>The options this app was built with.</summary>
    public DistributedApplicationOptions Options { get; }

    /// <summary>The resources.</summary>
    public IReadOnlyList<IResource> Resources => Context.Resources;

    /// <summary>The dashboard's login URL (with its token), once started; null when disabled.</summary>
    public string? DashboardLoginUrl { get; internal set; }

    internal OrchestratorContext Context { get; }

    internal Orchestrator Orchestrator => _orchestrator;

    /// <summary>Publishers by name (<c>manifest</c>, <c>vm</c>); each writes to <c>--output-path</c> and starts nothing.</summary>
    public static IReadOnlyDictionary<string, IDistributedApplicationPublisher> Publishers => BuiltInPublishers.All;

    /// <summary>Runs until Ctrl+C/SIGTERM (or publishes and returns).</summary>
    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>Runs until Ctrl+C/SIGTERM or <paramref name="cancellationToken"/> (or publishes and returns).</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (_builder.ExecutionContext.IsPublishMode)
        {
            try
            {
                await PublishAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DistributedApplicationException ex)
            {
                // azd shows the AppHost's stderr; a stack trace would bury the one line that matters.
                Console.Error.WriteLine(ex.Message);
                Environment.ExitCode = 1;
            }
            return;
        }
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; done.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; done.Cancel(); });
        try
        {
            await StartAsync(done.Token).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, done.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
        catch (DistributedApplicationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            Console.WriteLine("Stopping resources...");
            await StopAsync().ConfigureAwait(false);
            Console.WriteLine("Stopped.");
        }
    }

    /// <summary>
    /// Starts every resource (each waits for its own dependencies) and returns; use
    /// <see cref="ResourceNotificationService.WaitForResourceHealthyAsync"/> to wait for readiness.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _orchestrator.Prepare(_builder.Configuration);
        _reporter.Start(_builder.AppHostDirectory, Context.DataDirectory);
        await _orchestrator.StartAsync(cancellationToken).ConfigureAwait(false);
        if (Options.DashboardEnabled)
        {
            var dashboard = await DashboardServer.StartAsync(this, cancellationToken).ConfigureAwait(false);
            _dashboard = dashboard;
            DashboardLoginUrl = dashboard.LoginUrl.ToString();
            _reporter.Dashboard(DashboardLoginUrl);
        }
    }

    /// <summary>Stops every resource in reverse dependency order; idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _orchestrator.StopAllAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync().ConfigureAwait(false);
        }
        _reporter.Dispose();
    }

    /// <summary>Starts a stopped resource.</summary>
    public Task StartResourceAsync(string name) => _orchestrator.StartResourceAsync(name);

    /// <summary>Stops a running resource.</summary>
    public Task StopResourceAsync(string name) => _orchestrator.StopResourceAsync(name);

    /// <summary>Stops and starts a resource.</summary>
    public Task RestartResourceAsync(string name) => _orchestrator.RestartResourceAsync(name);

    /// <summary>The resource with this name.</summary>
    public IResource GetResource(string name) =>
        Resources.FirstOrDefault(r => r.Name == name) ?? throw new ArgumentException($"There is no resource named '{name}'. Known: {string.Join(", ", Resources.Select(r => r.Name))}.", nameof(name));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (Options.IsTesting && Options.DataDirectory is { } data && Directory.Exists(data))
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        _stopping.Dispose();
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        var name = _builder.ExecutionContext.PublisherName!;
        if (!Publishers.TryGetValue(name, out var publisher))
        {
            throw new DistributedApplicationException($"Unknown publisher '{name}'. Known: {string.Join(", ", Publishers.Keys)}.");
        }
        var output = Options.OutputPath ?? throw new DistributedApplicationException("--output-path is required with --publisher.");
        await publisher.PublishAsync(new DistributedApplicationPublishContext(_builder, Path.GetFullPath(output)), cancellationToken).ConfigureAwait(false);
    }

    private static string DataDirectoryFor(DistributedApplicationBuilder builder) =>
        builder.Options.DataDirectory ??= Path.Combine(builder.AppHostDirectory, ".apphost");

    private static string ToolsDirectoryFor() =>
        Environment.GetEnvironmentVariable("ORDERPLATFORM_TOOLS_DIR") is { Length: > 0 } dir ? dir
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "orderplatform", "tools");

    private static string AppHostDirectory(Assembly assembly) =>
        assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AppHostProjectDirectory")?.Value
        ?? Environment.CurrentDirectory;
}

/// <summary>What a publisher gets: the model in publish mode and the output path.</summary>
public sealed class DistributedApplicationPublishContext(IDistributedApplicationBuilder builder, string outputPath)
{
    /// <summary>The builder (resources, configuration, AppHost directory).</summary>
    public IDistributedApplicationBuilder Builder { get; } = builder;

    /// <summary>Absolute <c>--output-path</c>.</summary>
    public string OutputPath { get; } = outputPath;
}
