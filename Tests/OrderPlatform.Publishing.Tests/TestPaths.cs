using OrderPlatform.Tests;

// One AppHost publish, `dotnet run` or Bicep run at a time: each is CPU-bound, and `dotnet run` builds the AppHost
// that the other tests run.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace OrderPlatform.Publishing.Tests;

/// <summary>Where the repository, the AppHost and the Bicep CLI are; throwaway folders come from <see cref="TestFolders"/>.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string BicepPackageDirectory { get; } = Metadata("BicepPackageDirectory");

    /// <summary>The built AppHost (the project reference builds it before this project).</summary>
    public static string AppHostAssembly { get; } = Metadata("AppHostAssembly");

    public static string AppHostDirectory { get; } = Path.Combine(RepositoryRoot, "OrderPlatform.AppHost");

    public static string AppHostProject { get; } = Path.Combine(AppHostDirectory, "OrderPlatform.AppHost.csproj");

    public static string ExpectedManifest { get; } = Path.Combine(RepositoryRoot, "Tests", "OrderPlatform.Publishing.Tests", "Expected", "apphost-manifest.json");

    public static string RunDirectory => TestFolders.RunDirectory;

    public static string NewDirectory(string purpose) => TestFolders.NewDirectory(purpose);

    private static string Metadata(string key) => TestFolders.Metadata(key);
}
