using System.Text.Json.Nodes;

namespace OrderPlatform.Publishing.Tests;

/// <summary>Every .bicep file (the modules the manifest writes and infra/**) compiles with no errors and no linter warnings.</summary>
public sealed class BicepTests
{
    [Fact]
    public async Task TheModulesTheManifestWritesCompileWithoutWarnings()
    {
        var published = await Manifests.DefaultAsync();
        var modules = published.Resources.Where(r => ((string)r.Value!["type"]!).StartsWith("azure.bicep.", StringComparison.Ordinal))
            .Select(r => (string)r.Value!["path"]!).ToList();
        Assert.Equal(4, modules.Count);
        foreach (var module in modules)
        {
            var file = Path.Combine(published.Directory, module);
            Tools.AssertClean(await Tools.RunAsync(Tools.Bicep(), ["build", file, "--stdout"]), file);
        }
        Tools.AssertClean(await Tools.RunAsync(Tools.Bicep(), ["lint", "--pattern", Path.Combine(published.Directory, "*.bicep")]), published.Directory);
    }

    [Fact]
    public async Task InfraCompilesWithoutWarnings()
    {
        var infra = Path.Combine(TestPaths.RepositoryRoot, "infra");
        var files = Directory.GetFiles(infra, "*.bicep", SearchOption.AllDirectories);
        Assert.True(files.Length >= 10, $"Only {files.Length} Bicep files under infra/.");
        // infra/main.bicep is the Container Apps deployment azd provisions (it builds infra/aca/*); infra/vm the VM.
        foreach (var main in new[] { "main.bicep", Path.Combine("vm", "main.bicep") })
        {
            Tools.AssertClean(await Tools.RunAsync(Tools.Bicep(), ["build", Path.Combine(infra, main), "--stdout"]), main);
        }
        Tools.AssertClean(await Tools.RunAsync(Tools.Bicep(), ["lint", "--pattern", Path.Combine(infra, "**", "*.bicep")]), "infra/**/*.bicep");
    }

    [Theory]
    [InlineData("dev", false)]
    [InlineData("qa", false)]
    [InlineData("staging", true)]
    [InlineData("prod", true)]
    public async Task EachEnvironmentsParametersBuildWithItsSwitches(string environment, bool hardened)
    {
        var file = Path.Combine(TestPaths.RepositoryRoot, "infra", "vm", $"{environment}.bicepparam");
        var result = await Tools.RunAsync(Tools.Bicep(), ["build-params", file, "--stdout"]);
        Tools.AssertClean(result, file);
        var parameters = JsonNode.Parse(result.StandardOutput[result.StandardOutput.IndexOf('{', StringComparison.Ordinal)..])!;
        var values = JsonNode.Parse((string)parameters["parametersJson"]!)!["parameters"]!;
        Assert.Equal(environment, (string)values["environmentName"]!["value"]!);
        Assert.Equal(hardened, (bool)values["enablePrivateEndpoints"]!["value"]!);
        Assert.Equal(hardened, (bool)values["enablePurgeProtection"]!["value"]!);
        Assert.InRange((int)values["logRetentionDays"]!["value"]!, 30, 730);
    }
}
