using System.Text.Json.Nodes;
using OrderPlatform.Hosting;
using OrderPlatform.Hosting.Publishing;
using OrderPlatform.Hosting.Testing;

namespace OrderPlatform.Publishing.Tests;

/// <summary>Builds manifests the way azd gets them.</summary>
internal static class Manifests
{
    /// <summary>The real AppHost with <c>--publisher manifest</c>, published through <see cref="DistributedApplication.RunAsync"/>.</summary>
    public static async Task<(string Json, string Directory)> PublishAppHostAsync(params string[] extraArgs)
    {
        var dir = TestPaths.NewDirectory("apphost");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(
            ["--publisher", "manifest", "--output-path", dir, .. extraArgs], TestContext.Current.CancellationToken);
        await using var app = await builder.BuildAsync(TestContext.Current.CancellationToken);
        await app.RunAsync(TestContext.Current.CancellationToken);
        var path = Path.Combine(dir, ManifestPublisher.DefaultFileName);
        Assert.True(File.Exists(path), $"The publisher wrote no manifest at {path}.");
        return (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), dir);
    }

    /// <summary>An in-test model in publish mode.</summary>
    public static IDistributedApplicationTestingBuilder Builder(string publisher = "manifest") =>
        DistributedApplicationTestingBuilder.Create("--publisher", publisher, "--output-path", TestPaths.NewDirectory("model"));

    /// <summary>The manifest of an in-test model, written to <paramref name="manifestPath"/>'s folder for its Bicep modules.</summary>
    public static Task<string> WriteAsync(IDistributedApplicationBuilder builder, string? manifestPath = null) =>
        ManifestPublisher.WriteAsync(builder.Resources, builder.ExecutionContext,
            manifestPath ?? Path.Combine(builder.Options.OutputPath!, ManifestPublisher.DefaultFileName), TestContext.Current.CancellationToken);

    /// <summary>Compares exactly (text), after checking both are JSON, so a diff shows the first differing line.</summary>
    public static void AssertExact(string expected, string actual)
    {
        JsonNode.Parse(expected);
        JsonNode.Parse(actual);
        Assert.Equal(expected.ReplaceLineEndings("\n").TrimEnd(), actual.ReplaceLineEndings("\n").TrimEnd());
    }

    /// <summary>The manifest around <paramref name="resources"/> (the body of the <c>resources</c> object).</summary>
    public static string Wrap(string resources) => $$"""
        {
          "$schema": "https://json.schemastore.org/aspire-8.0.json",
          "resources": {
        {{resources.TrimEnd()}}
          }
        }
        """;
}
