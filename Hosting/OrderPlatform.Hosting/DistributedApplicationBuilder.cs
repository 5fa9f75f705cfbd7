using Microsoft.Extensions.Configuration;
using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting;

/// <summary>Builds the app model; Aspire's <c>IDistributedApplicationBuilder</c> in miniature.</summary>
public interface IDistributedApplicationBuilder
{
    /// <summary>AppHost configuration: appsettings.json, environment, command line.</summary>
    ConfigurationManager Configuration { get; }

    /// <summary>The AppHost project folder (content root).</summary>
    string AppHostDirectory { get; }

    /// <summary>Run or publish.</summary>
    DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>Options parsed from the command line.</summary>
    DistributedApplicationOptions Options { get; }

    /// <summary>The resources, in the order they were added.</summary>
    IList<IResource> Resources { get; }

    /// <summary>Adds a resource; names are unique (case-insensitive).</summary>
    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    /// <summary>A builder for a resource already in the model.</summary>
    IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource;

    /// <summary>Freezes the model into a runnable (or publishable) application.</summary>
    DistributedApplication Build();
}

/// <summary>Fluent handle on one resource.</summary>
public interface IResourceBuilder<out T> where T : IResource
{
    /// <summary>The application builder.</summary>
    IDistributedApplicationBuilder ApplicationBuilder { get; }

    /// <summary>The resource.</summary>
    T Resource { get; }

    /// <summary>Adds an annotation.</summary>
    IResourceBuilder<T> WithAnnotation(IResourceAnnotation annotation);
}

internal sealed class ResourceBuilder<T>(IDistributedApplicationBuilder applicationBuilder, T resource) : IResourceBuilder<T> where T : IResource
{
    public IDistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;

    public T Resource { get; } = resource;

    public IResourceBuilder<T> WithAnnotation(IResourceAnnotation annotation)
    {
        Resource.Annotations.Add(annotation);
        return this;
    }
}

/// <summary>Command-line and testing options of an AppHost run.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>Raw arguments.</summary>
    public string[] Args { get; init; } = [];

    /// <summary><c>--publisher manifest|vm</c>; null runs the app.</summary>
    public string? Publisher { get; set; }

    /// <summary><c>--output-path</c> for publishers.</summary>
    public string? OutputPath { get; set; }

    /// <summary><c>--runtime auto|local|containers</c>.</summary>
    public string Runtime { get; set; } = "auto";

    /// <summary>Dashboard on/off (<c>--no-dashboard</c> or <c>Dashboard:Enabled=false</c>).</summary>
    public bool DashboardEnabled { get; set; } = true;

    /// <summary>Dashboard port; 0 picks a free one.</summary>
    public int DashboardPort { get; set; } = 18888;

    /// <summary>Where resources keep data; defaults to <c>&lt;AppHost&gt;/.apphost</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Set by the testing builder: throwaway data, no reaping of other runs, quiet console.</summary>
    public bool IsTesting { get; set; }

    /// <summary>Progress lines to the console (off in tests unless asked for).</summary>
    public bool ConsoleProgress { get; set; } = true;

    internal static DistributedApplicationOptions Parse(string[] args)
    {
        var options = new DistributedApplicationOptions { Args = args };
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option '{args[i]}' needs a value.");
            switch (args[i])
            {
                case "--publisher": options.Publisher = Next(); break;
                case "--output-path": options.OutputPath = Next(); break;
                case "--runtime":
                    options.Runtime = Next();
                    if (options.Runtime is not ("auto" or "local" or "containers"))
                    {
                        throw new ArgumentException($"--runtime must be auto, local or containers (got '{options.Runtime}').");
                    }
                    break;
                case "--no-dashboard": options.DashboardEnabled = false; break;
                case "--dashboard-port": options.DashboardPort = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--data-dir": options.DataDirectory = Next(); break;
                default: break; // Other arguments are configuration (key=value, --Key value) handled by the command-line provider.
            }
        }
        return options;
    }
}

internal sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly List<IResource> _resources = [];

    public DistributedApplicationBuilder(DistributedApplicationOptions options, string appHostDirectory)
    {
        Options = options;
        AppHostDirectory = appHostDirectory;
        ExecutionContext = new DistributedApplicationExecutionContext(
            options.Publisher is null ? DistributedApplicationOperation.Run : DistributedApplicationOperation.Publish, options.Publisher);
        Configuration = new ConfigurationManager();
        Configuration.SetBasePath(appHostDirectory);
        Configuration.AddJsonFile("appsettings.json", optional: true);
        Configuration.AddEnvironmentVariables();
        Configuration.AddCommandLine(options.Args.Where(a => a is not "--no-dashboard").ToArray());
        if (Configuration["Dashboard:Enabled"] is { } enabled && bool.TryParse(enabled, out var on))
        {
            Options.DashboardEnabled &= on;
        }
    }

    public ConfigurationManager Configuration { get; }

    public string AppHostDirectory { get; }

    public DistributedApplicationExecutionContext ExecutionContext { get; }

    public DistributedApplicationOptions Options { get; }

    public IList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => new ResourceBuilder<T>(this, resource);

    public DistributedApplication Build()
    {
        if (DistributedApplicationTestingHook.TryCapture(this))
        {
            throw new DistributedApplicationBuilderCapturedException();
        }
        return BuildCore();
    }

    internal DistributedApplication BuildCore() => new(this);
}

/// <summary>Thrown out of the AppHost's <c>Main</c> when the testing builder has captured the builder.</summary>
public sealed class DistributedApplicationBuilderCapturedException()
    : Exception("The AppHost's builder was captured by the testing builder; Main stops here by design.");

/// <summary>
/// Lets the testing builder run an AppHost's <c>Main</c> and take its builder at <c>Build()</c> (the way
/// WebApplicationFactory takes a host): options are applied at <c>CreateBuilder</c>, and <c>Build</c> hands the
/// builder over and aborts <c>Main</c>.
/// </summary>
internal static class DistributedApplicationTestingHook
{
    private static readonly AsyncLocal<Hook?> Current = new();

    internal sealed class Hook(Action<DistributedApplicationOptions> configure)
    {
        public Action<DistributedApplicationOptions> Configure { get; } = configure;

        public DistributedApplicationBuilder? Captured { get; set; }
    }

    public static Hook Install(Action<DistributedApplicationOptions> configure) => Current.Value = new Hook(configure);

    public static void Uninstall() => Current.Value = null;

    public static void Configure(DistributedApplicationOptions options) => Current.Value?.Configure(options);

    public static bool TryCapture(DistributedApplicationBuilder builder)
    {
        if (Current.Value is not { Captured: null } hook)
        {
            return false;
        }
        hook.Captured = builder;
        return true;
    }
}
