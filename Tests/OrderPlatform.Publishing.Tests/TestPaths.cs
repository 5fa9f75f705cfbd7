using System.Reflection;
using OrderPlatform.Publishing.Tests;

[assembly: AssemblyFixture(typeof(TempFolderCleanup))]
// One AppHost publish, `dotnet run` or Bicep run at a time: each is CPU-bound, and `dotnet run` builds the AppHost
// that the other tests run.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace OrderPlatform.Publishing.Tests;

/// <summary>Removes the run's folders (manifests, Bicep modules) once every test has finished.</summary>
public sealed class TempFolderCleanup : IDisposable
{
    public void Dispose()
    {
        if (Directory.Exists(TestPaths.RunDirectory))
        {
            Directory.Delete(TestPaths.RunDirectory, recursive: true);
        }
    }
}

/// <summary>Where the repository, the AppHost, the Bicep CLI and throwaway folders are.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string BicepPackageDirectory { get; } = Metadata("BicepPackageDirectory");

    /// <summary>The built AppHost (the project reference builds it before this project).</summary>
    public static string AppHostAssembly { get; } = Metadata("AppHostAssembly");

    public static string AppHostDirectory { get; } = Path.Combine(RepositoryRoot, "OrderPlatform.AppHost");

    public static string AppHostProject { get; } = Path.Combine(AppHostDirectory, "OrderPlatform.AppHost.csproj");

    public static string ExpectedManifest { get; } = Path.Combine(RepositoryRoot, "Tests", "OrderPlatform.Publishing.Tests", "Expected", "apphost-manifest.json");

    /// <summary>This run's folder under the system temp folder, removed when the run ends (<see cref="TempFolderCleanup"/>).</summary>
    public static string RunDirectory { get; } = Path.Combine(Path.GetTempPath(), "orderplatform-publishing-tests", $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>A fresh folder of this run; names never clash between tests.</summary>
    public static string NewDirectory(string purpose)
    {
        var dir = Path.Combine(RunDirectory, $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}
