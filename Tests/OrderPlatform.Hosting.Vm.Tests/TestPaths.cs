using OrderPlatform.Tests;

namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>Where the repository and the AppHost are; throwaway folders come from <see cref="TestFolders"/>.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = TestFolders.Metadata("RepositoryRoot");

    /// <summary>The build configuration of this test assembly, which the AppHost was built with too.</summary>
    public static string Configuration { get; } = TestFolders.Metadata("Configuration");

    public static string AppHost { get; } = Path.Combine(RepositoryRoot, "OrderPlatform.AppHost", "OrderPlatform.AppHost.csproj");

    public static string RunDirectory => TestFolders.RunDirectory;

    public static string NewDirectory(string purpose) => TestFolders.NewDirectory(purpose);
}
