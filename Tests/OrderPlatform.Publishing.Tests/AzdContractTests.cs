using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Publishing.Tests;

/// <summary>What azd does with the repository, done the way azd does it (Azure/azure-dev dotnet.go, pkg/project/importer.go).</summary>
public sealed class AzdContractTests
{
    [Fact]
    public async Task TheAzdInvocationExitsZeroAndWritesTheManifestAndModules()
    {
        var output = Path.Combine(TestPaths.NewDirectory("azd"), "apphost-manifest.json");
        // A value for every parameter, as a developer's environment or user secrets would hold them: none may show.
        var secrets = (await Manifests.DefaultAsync()).Resources.Where(r => (string)r.Value!["type"]! == "parameter.v0")
            .ToDictionary(r => $"Parameters__{r.Key}", r => $"Configured-{r.Key}-{Guid.NewGuid():N}");
        // Exactly azd's command line: from the AppHost folder, `dotnet run` with the project file and no `--`.
        var result = await Tools.RunAsync("dotnet", ["run", "--project", "OrderPlatform.AppHost.csproj", "--publisher", "manifest", "--output-path", output],
            TestPaths.AppHostDirectory,
            new Dictionary<string, string>(secrets) { ["MSBUILDDISABLENODEREUSE"] = "1", ["ASPIRE_SUPPRESS_CLI_RUN_HOOK"] = "true" },
            TimeSpan.FromMinutes(8));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}:{Environment.NewLine}{result.Output}");
        Assert.Contains($"Published manifest to: {output}", result.StandardOutput, StringComparison.Ordinal);
        var dir = Path.GetDirectoryName(output)!;
        Assert.Equal(
            ["apphost-manifest.json", "cosmos-roles.module.bicep", "cosmos.module.bicep", "storage-roles.module.bicep", "storage.module.bicep"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // The same manifest the other tests check (project paths relative to where each was written).
        var published = new Manifests.Published(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken), dir, result);
        Assert.Equal((await Manifests.DefaultAsync()).Normalized, published.Normalized);

        // Nothing secret on the console or in the files: no configured value, no account key.
        var everything = result.Output + string.Concat(Directory.GetFiles(dir).Select(File.ReadAllText));
        foreach (var (name, secret) in secrets)
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"The value of {name} appears in azd's output or files.");
        }
        Assert.DoesNotContain("AccountKey", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AzdDetectsTheAppHost()
    {
        var result = await Tools.RunAsync("dotnet", ["msbuild", TestPaths.AppHostProject, "--ignore:.sln", "--getProperty:IsAspireHost", "--getItem:ProjectCapability"],
            TestPaths.AppHostDirectory, new Dictionary<string, string> { ["MSBUILDDISABLENODEREUSE"] = "1" });
        Assert.True(result.ExitCode == 0, result.Output);
        var json = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("true", (string?)json["Properties"]!["IsAspireHost"], StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Aspire", json["Items"]!["ProjectCapability"]!.AsArray().Select(i => (string?)i!["Identity"]));
    }

    [Fact]
    public void AzureYamlHasOneDotnetContainerAppServiceOnTheAppHost()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(TestPaths.RepositoryRoot, "azure.yaml")))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        Assert.Equal("orderplatform", Scalar(root, "name"));
        var services = (YamlMappingNode)root.Children[new YamlScalarNode("services")];
        var (_, serviceNode) = Assert.Single(services.Children);
        var service = (YamlMappingNode)serviceNode;
        Assert.Equal("dotnet", Scalar(service, "language"));
        Assert.Equal("containerapp", Scalar(service, "host"));
        var project = Path.GetFullPath(Path.Combine(TestPaths.RepositoryRoot, Scalar(service, "project")!));
        Assert.Equal(Path.GetFullPath(TestPaths.AppHostProject), project);
        Assert.True(File.Exists(project), $"{project} does not exist.");
        // azd reads infra/main.bicep (its default infra path); another path would leave it unread.
        Assert.False(root.Children.TryGetValue(new YamlScalarNode("infra"), out var infra) && infra is YamlMappingNode m && m.Children.Count > 0,
            "azure.yaml names an infra module: azd would no longer read infra/main.bicep.");
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}
