using OrderPlatform.Hosting;

namespace OrderPlatform.Publishing.Tests;

/// <summary>Every .bicep file (emitted modules and infra/**) compiles with no errors and no linter warnings.</summary>
public sealed class BicepTests
{
    [Fact]
    public async Task EmittedModulesCompileWithoutWarnings()
    {
        var (_, appHostDir) = await Manifests.PublishAppHostAsync();
        var builder = Manifests.Builder();
        var cosmos = builder.AddAzureCosmosDB("cosmos");
        cosmos.AddCosmosDatabase("orders");
        cosmos.AddCosmosDatabase("audit-log");
        builder.AddAzureKeyVault("secrets");
        builder.AddAzureStorage("storage-two").AddBlobs("blobs-two");
        await Manifests.WriteAsync(builder);

        foreach (var dir in new[] { appHostDir, builder.Options.OutputPath! })
        {
            Assert.NotEmpty(Directory.GetFiles(dir, "*.module.bicep"));
            Tools.AssertClean(await Tools.RunAsync(Tools.Bicep(), ["lint", "--pattern", Path.Combine(dir, "*.bicep")]), dir);
        }
        Assert.Equal(6, Directory.GetFiles(builder.Options.OutputPath!, "*.module.bicep").Length);
    }

    [Fact]
    public async Task InfraCompilesWithoutWarnings()
    {
        var infra = Path.Combine(TestPaths.RepositoryRoot, "infra");
        Assert.False(File.Exists(Path.Combine(infra, "main.bicep")), "infra/main.bicep would stop azd synthesising from the manifest (see infra/README.md).");
        Assert.True(Directory.GetFiles(infra, "*.bicep", SearchOption.AllDirectories).Length >= 5);
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
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(result.Output[result.Output.IndexOf('{', StringComparison.Ordinal)..])!;
        var values = System.Text.Json.Nodes.JsonNode.Parse((string)parameters["parametersJson"]!)!["parameters"]!;
        Assert.Equal(environment, (string)values["environmentName"]!["value"]!);
        Assert.Equal(hardened, (bool)values["enablePrivateEndpoints"]!["value"]!);
        Assert.Equal(hardened, (bool)values["enablePurgeProtection"]!["value"]!);
        Assert.InRange((int)values["logRetentionDays"]!["value"]!, 30, 730);
    }
}
