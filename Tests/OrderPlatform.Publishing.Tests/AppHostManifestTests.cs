using System.Text.Json.Nodes;
using OrderPlatform.Hosting;

namespace OrderPlatform.Publishing.Tests;

public sealed class AppHostManifestTests
{
    // Types azd's apphost generator accepts (Azure/azure-dev pkg/apphost); annotated.string is left out on purpose:
    // azd before 1.20.3 fails on it.
    private static readonly HashSet<string> AzdTypes =
    [
        "project.v0", "project.v1", "container.v0", "container.v1", "dockerfile.v0", "parameter.v0", "value.v0",
        "azure.bicep.v0", "azure.bicep.v1", "dapr.v0", "dapr.component.v0",
    ];

    [Fact]
    public async Task TheAppHostManifestIsExactlyWhatAzdExpects()
    {
        var (json, dir) = await Manifests.PublishAppHostAsync();
        // Project paths depend on where the manifest is written; the expected file holds them relative to the repository.
        var services = Path.GetRelativePath(dir, Path.Combine(TestPaths.RepositoryRoot, "Services")).Replace('\\', '/');
        var expectedFile = Path.Combine(TestPaths.RepositoryRoot, "Tests", "OrderPlatform.Publishing.Tests", "Expected", "apphost-manifest.json");
        if (Environment.GetEnvironmentVariable("ORDERPLATFORM_UPDATE_EXPECTED") == "1")
        {
            // After a deliberate AppHost change: regenerate, then review the diff like any other code change.
            await File.WriteAllTextAsync(expectedFile, json.Replace($"\"{services}/", "\"{SERVICES}/", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        }
        var expected = await File.ReadAllTextAsync(expectedFile, TestContext.Current.CancellationToken);
        Manifests.AssertExact(expected.Replace("{SERVICES}", services, StringComparison.Ordinal), json);
        Assert.True(File.Exists(Path.Combine(dir, "storage.module.bicep")));
        Assert.True(File.Exists(Path.Combine(dir, "storage-roles.module.bicep")));
    }

    [Fact]
    public async Task EveryEmittedTypeIsOneAzdSupportsWithItsRequiredFields()
    {
        var (json, dir) = await Manifests.PublishAppHostAsync();
        var resources = JsonNode.Parse(json)!["resources"]!.AsObject();
        Assert.NotEmpty(resources);
        foreach (var (name, node) in resources)
        {
            var type = (string)node!["type"]!;
            Assert.True(AzdTypes.Contains(type), $"{name}: azd does not accept type '{type}'.");
            switch (type)
            {
                case "project.v0":
                    Assert.True(File.Exists(Path.Combine(dir, (string)node["path"]!)), $"{name}: project path does not resolve from the manifest folder.");
                    break;
                case "container.v0":
                    Assert.False(string.IsNullOrEmpty((string?)node["image"]), $"{name}: container without image.");
                    break;
                case "azure.bicep.v0":
                    Assert.True(File.Exists(Path.Combine(dir, (string)node["path"]!)), $"{name}: module not next to the manifest.");
                    break;
                default:
                    break;
            }
            foreach (var (endpoint, binding) in node["bindings"]?.AsObject() ?? [])
            {
                foreach (var field in new[] { "scheme", "protocol", "transport" })
                {
                    Assert.True(binding![field] is not null, $"{name}/{endpoint}: binding lacks '{field}'.");
                }
            }
        }
    }

    [Fact]
    public async Task NoSecretValueAppearsInTheManifest()
    {
        // Configure a value for every parameter the AppHost has: a publisher that resolved values instead of writing
        // expressions would leak them.
        var (first, _) = await Manifests.PublishAppHostAsync();
        var parameters = JsonNode.Parse(first)!["resources"]!.AsObject().Where(r => (string)r.Value!["type"]! == "parameter.v0").ToList();
        Assert.NotEmpty(parameters);
        var values = parameters.ToDictionary(p => p.Key, p => $"Configured-{p.Key}-{Guid.NewGuid():N}");
        var args = parameters.Select(p => p.Value!["connectionString"] is null
            ? $"--Parameters:{p.Key}={values[p.Key]}" : $"--ConnectionStrings:{p.Key}={values[p.Key]}").ToArray();
        var (json, dir) = await Manifests.PublishAppHostAsync(args);
        var everything = json + string.Concat(Directory.GetFiles(dir, "*.bicep").Select(File.ReadAllText));
        foreach (var secret in values.Values.Append(AzureStorageResource.DevKey).Append(AzureCosmosDBResource.EmulatorKey))
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("AccountKey", everything, StringComparison.Ordinal);
        foreach (var (name, parameter) in parameters)
        {
            var input = parameter!["inputs"]!["value"]!;
            Assert.False((bool?)input["secret"] == true && input["default"]?["value"] is not null, $"{name}: a secret must not carry a default value.");
        }
    }
}
