using System.Text.Json.Nodes;

namespace OrderPlatform.Publishing.Tests;

/// <summary>The AppHost's manifest, written by Aspire's own publisher in a real AppHost process.</summary>
internal static class Manifests
{
    public const string FileName = "aspire-manifest.json";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Published? defaultManifest;

    public sealed record Published(string Json, string Directory, Tools.Result Process)
    {
        public JsonObject Resources => JsonNode.Parse(Json)!["resources"]!.AsObject();

        /// <summary>The manifest with project paths relative to the repository (as the expected file holds them).</summary>
        public string Normalized
        {
            get
            {
                var services = Path.GetRelativePath(Directory, Path.Combine(TestPaths.RepositoryRoot, "Services")).Replace('\\', '/');
                return Json.Replace($"\"{services}/", "\"{SERVICES}/", StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The AppHost with no extra configuration, published once per run (the tests only read it).</summary>
    public static async Task<Published> DefaultAsync()
    {
        await Gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return defaultManifest ??= await PublishAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// <c>dotnet OrderPlatform.AppHost.dll --publisher manifest --output-path DIR/aspire-manifest.json</c>: exit 0, the
    /// publisher's log line, and the manifest written.
    /// </summary>
    public static async Task<Published> PublishAsync(params string[] extraArgs)
    {
        Assert.True(File.Exists(TestPaths.AppHostAssembly), $"The AppHost is not built at {TestPaths.AppHostAssembly}.");
        var dir = TestPaths.NewDirectory("apphost");
        var path = Path.Combine(dir, FileName);
        var result = await Tools.RunAsync("dotnet", [TestPaths.AppHostAssembly, "--publisher", "manifest", "--output-path", path, .. extraArgs],
            TestPaths.AppHostDirectory, timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"The AppHost exited {result.ExitCode}:{Environment.NewLine}{result.Output}");
        Assert.Contains($"Published manifest to: {path}", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(path), $"The publisher wrote no manifest at {path}.");
        return new Published(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), dir, result);
    }

    /// <summary>Compares exactly (text), after checking both are JSON, so a diff shows the first differing line.</summary>
    public static void AssertExact(string expected, string actual)
    {
        JsonNode.Parse(expected);
        JsonNode.Parse(actual);
        Assert.Equal(expected.ReplaceLineEndings("\n").TrimEnd(), actual.ReplaceLineEndings("\n").TrimEnd());
    }
}
