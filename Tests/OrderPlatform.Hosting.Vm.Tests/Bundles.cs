// The pipeline API is experimental in Aspire 13.6 (ASPIREPIPELINES001); the tests drive it as Aspire's own publisher does.
#pragma warning disable ASPIREPIPELINES001

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>Publishes ad-hoc models in-process, the way <c>--operation publish --step vm-bundle</c> does, and reads the result.</summary>
internal static class Bundles
{
    public static readonly string[] Files = ["compose.yaml", "nginx.conf", ".env.template", "orderplatform.service"];

    /// <summary>A publish-mode builder of an ad-hoc model whose pipeline runs only the vm-bundle step, into a fresh folder.</summary>
    public static IDistributedApplicationTestingBuilder CreateBuilder(out string output)
    {
        output = TestPaths.NewDirectory("vm");
        var builder = DistributedApplicationTestingBuilder.Create(PublishArgs(output));
        builder.AddVmBundle();
        return builder;
    }

    /// <summary>
    /// Publishes the repository's AppHost (which adds the vm-bundle step itself) into <paramref name="output"/>, with
    /// <paramref name="configure"/>'s additions. Its own entry point runs the app once built, so the pipeline runs as
    /// under <c>dotnet run</c>: a failure is logged, not thrown (VmBundleProcessTests checks the exit code).
    /// </summary>
    public static async Task PublishAppHostAsync(string output, Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(PublishArgs(output), timeout.Token);
        configure?.Invoke(builder);
        await using var app = await builder.BuildAsync(timeout.Token);
        // A publishing app stops itself once its pipeline has run.
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => stopped.TrySetResult());
        await stopped.Task.WaitAsync(timeout.Token);
    }

    private static string[] PublishArgs(string output) => ["--operation", "publish", "--step", VmBundleBuilderExtensions.StepName, "--output-path", output];

    /// <summary>
    /// Builds the app and executes its pipeline as <c>--operation publish</c> does (only vm-bundle, from
    /// <c>--step</c>), without starting the app: a failing step throws here, instead of being logged by the host.
    /// </summary>
    public static async Task PublishAsync(IDistributedApplicationTestingBuilder builder)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await using var app = await builder.BuildAsync(timeout.Token);
        var services = app.Services;
        var context = new PipelineContext(
            services.GetRequiredService<DistributedApplicationModel>(),
            services.GetRequiredService<DistributedApplicationExecutionContext>(),
            services,
            services.GetRequiredService<ILoggerFactory>().CreateLogger("vm-bundle-tests"),
            timeout.Token);
        await services.GetRequiredService<IDistributedApplicationPipeline>().ExecuteAsync(context);
    }

    public static async Task<string> ReadAsync(string output, string file) =>
        await File.ReadAllTextAsync(Path.Combine(output, file), TestContext.Current.CancellationToken);

    public static async Task<Dictionary<string, YamlMappingNode>> ServicesAsync(string output) => Services(await ReadAsync(output, "compose.yaml"), out _);

    public static Dictionary<string, YamlMappingNode> Services(string yaml, out YamlMappingNode root)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        root = (YamlMappingNode)stream.Documents[0].RootNode;
        return ((YamlMappingNode)root["services"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => (YamlMappingNode)kv.Value);
    }

    public static string Env(YamlMappingNode service, string key) => ((YamlMappingNode)service["environment"])[key].ToString();
}
