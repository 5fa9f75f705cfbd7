// The pipeline API is experimental in Aspire 13.6 (ASPIREPIPELINES001); the tests drive it as Aspire's own publisher does.
#pragma warning disable ASPIREPIPELINES001

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>Publishes ad-hoc models in-process, the way <c>--operation publish --step vm-bundle</c> does, and reads the result.</summary>
internal static class Bundles
{
    public static readonly string[] Files = ["compose.yaml", "nginx.conf", ".env.template", "orderplatform.service"];

    /// <summary>A publish-mode builder whose run executes only the vm-bundle step into a fresh folder.</summary>
    public static IDistributedApplicationTestingBuilder CreateBuilder(out string output)
    {
        output = TestPaths.NewDirectory("vm");
        var builder = DistributedApplicationTestingBuilder.Create("--operation", "publish", "--step", VmBundleBuilderExtensions.StepName, "--output-path", output);
        builder.AddVmBundle();
        return builder;
    }

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
