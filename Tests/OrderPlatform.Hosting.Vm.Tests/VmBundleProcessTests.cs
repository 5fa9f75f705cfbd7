using Aspire.Hosting;

namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>
/// The step as an operator runs it: <c>dotnet run --project OrderPlatform.AppHost -- --operation publish --step
/// vm-bundle --output-path DIR</c> (the AppHost is built with these tests). Aspire 13.6 alone exits 0 when a step
/// fails; AddVmBundle makes it exit 1.
/// </summary>
public sealed class VmBundleProcessTests
{
    [Fact]
    public async Task TheStepWritesTheBundleAndExitsZero()
    {
        var output = TestPaths.NewDirectory("process");
        var result = await PublishAsync("--step", VmBundleBuilderExtensions.StepName, "--output-path", output);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Output}");
        Assert.Contains($"Published VM bundle to: {output}", result.Output, StringComparison.Ordinal);
        foreach (var file in Bundles.Files)
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"The bundle has no {file}.");
        }
        var services = await Bundles.ServicesAsync(output);
        Assert.Equal(["postgres", "redis", "storage", "temporal", "temporal-ui", "api", "teamsbot", "worker", "flowrunner", "taskdispatcher", "nginx"], services.Keys);
        Assert.Equal("${API_KEY}", Bundles.Env(services["api"], "Api__Clients__teamsbot__Keys__0"));
    }

    [Fact]
    public async Task AFailingStepExitsNonZero()
    {
        var folder = TestPaths.NewDirectory("process-failing");
        var result = await PublishAsync("--step", VmBundleBuilderExtensions.StepName, "--output-path", Path.Combine(folder, "compose.yaml"));
        Assert.True(result.ExitCode != 0, $"exit 0 although the step failed: {result.Output}");
        Assert.Contains("The VM bundle is a folder of files: --output-path must name a folder", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public async Task AnUnknownStepExitsNonZero()
    {
        var result = await PublishAsync("--step", "vm-bundel", "--output-path", TestPaths.NewDirectory("process-unknown"));
        Assert.True(result.ExitCode != 0, $"exit 0 for a step that does not exist: {result.Output}");
        Assert.Contains("Step 'vm-bundel' not found in pipeline.", result.Output, StringComparison.Ordinal);
    }

    private static Task<Tools.Result> PublishAsync(params string[] args) =>
        Tools.RunAsync("dotnet", ["run", "--no-build", "-c", TestPaths.Configuration, "--project", TestPaths.AppHost, "--", "--operation", "publish", .. args]);
}
