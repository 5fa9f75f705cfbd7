using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>Ad-hoc app models: inspected in run mode without starting, or published with the real manifest publisher.</summary>
internal static class Models
{
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string BicepPackageDirectory => Metadata("BicepPackageDirectory");

    public static IDistributedApplicationTestingBuilder Run() => DistributedApplicationTestingBuilder.Create();

    /// <summary>Runs <c>--publisher manifest</c> on the model; returns the manifest's resources and its folder.</summary>
    public static async Task<(JsonObject Resources, string Directory)> PublishAsync(Action<IDistributedApplicationBuilder> model)
    {
        var directory = Directory.CreateTempSubdirectory("hosting-azure-").FullName;
        var manifest = Path.Combine(directory, "aspire-manifest.json");
        var builder = DistributedApplicationTestingBuilder.Create(["--publisher", "manifest", "--output-path", manifest]);
        Assert.True(builder.ExecutionContext.IsPublishMode);
        model(builder);
        await using (var app = builder.Build())
        {
            await app.RunAsync(TestContext.Current.CancellationToken);
        }
        return (JsonNode.Parse(await File.ReadAllTextAsync(manifest, TestContext.Current.CancellationToken))!["resources"]!.AsObject(), directory);
    }

    /// <summary>Both sides indented the same way, so a difference in values or in property order shows as text.</summary>
    public static void AssertJson(string expected, JsonNode? actual) =>
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(Indented), actual?.ToJsonString(Indented));

    public static void Allocate(IResourceWithEndpoints resource, string endpointName, int port)
    {
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Metadata(string key) =>
        typeof(Models).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
