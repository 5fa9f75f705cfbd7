using System.Reflection;
using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Testing;

/// <summary>
/// Runs a real AppHost composition for tests, like Aspire.Hosting.Testing: random ports, a throwaway data folder,
/// no dashboard, resources' output kept in <see cref="DistributedApplication.ResourceLogs"/>.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    /// <summary>Runs the AppHost's <c>Main</c> up to <c>Build()</c> and returns its builder.</summary>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default)
        where TEntryPoint : class, IProjectMetadata, new() => CreateAsync<TEntryPoint>([], cancellationToken);

    /// <summary>Runs the AppHost's <c>Main</c> with <paramref name="args"/> up to <c>Build()</c> and returns its builder.</summary>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default)
        where TEntryPoint : class, IProjectMetadata, new()
    {
        var metadata = new TEntryPoint();
        var assembly = Assembly.Load(AssemblyName.GetAssemblyName(metadata.TargetPath));
        var entryPoint = assembly.EntryPoint
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no entry point; is {metadata.ProjectPath} an AppHost?");
        var hook = DistributedApplicationTestingHook.Install(ConfigureForTesting);
        try
        {
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
                if (result is Task task)
                {
                    task.GetAwaiter().GetResult();
                }
            }
            catch (TargetInvocationException ex) when (ex.InnerException is DistributedApplicationBuilderCapturedException)
            {
            }
            catch (DistributedApplicationBuilderCapturedException)
            {
            }
            var builder = hook.Captured
                ?? throw new InvalidOperationException($"{assembly.GetName().Name}'s Main returned without calling Build() on its DistributedApplication builder.");
            return Task.FromResult<IDistributedApplicationTestingBuilder>(new TestingBuilder(builder));
        }
        finally
        {
            DistributedApplicationTestingHook.Uninstall();
        }
    }

    /// <summary>An empty builder with testing options, for graphs assembled inside a test.</summary>
    public static IDistributedApplicationTestingBuilder Create(params string[] args)
    {
        var options = DistributedApplicationOptions.Parse(args);
        ConfigureForTesting(options);
        return new TestingBuilder(new DistributedApplicationBuilder(options, AppContext.BaseDirectory));
    }

    private static void ConfigureForTesting(DistributedApplicationOptions options)
    {
        options.IsTesting = true;
        options.DashboardEnabled = false;
        options.ConsoleProgress = Environment.GetEnvironmentVariable("ORDERPLATFORM_TEST_PROGRESS") == "1";
        options.DataDirectory = Path.Combine(Path.GetTempPath(), "orderplatform-test-" + Guid.NewGuid().ToString("N")[..12]);
        if (options.Runtime == "auto")
        {
            options.Runtime = Environment.GetEnvironmentVariable("ORDERPLATFORM_TEST_RUNTIME") ?? "local";
        }
    }

    private sealed class TestingBuilder(DistributedApplicationBuilder inner) : IDistributedApplicationTestingBuilder
    {
        public Microsoft.Extensions.Configuration.ConfigurationManager Configuration => inner.Configuration;

        public string AppHostDirectory => inner.AppHostDirectory;

        public DistributedApplicationExecutionContext ExecutionContext => inner.ExecutionContext;

        public DistributedApplicationOptions Options => inner.Options;

        public IList<IResource> Resources => inner.Resources;

        public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => inner.AddResource(resource);

        public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => inner.CreateResourceBuilder(resource);

        public DistributedApplication Build() => inner.BuildCore();

        public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default) => Task.FromResult(inner.BuildCore());

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The builder a test gets: the AppHost's model, still editable, plus <see cref="BuildAsync"/>.</summary>
public interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder, IAsyncDisposable
{
    /// <summary>Builds the application (start it with <see cref="DistributedApplication.StartAsync"/>).</summary>
    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}
