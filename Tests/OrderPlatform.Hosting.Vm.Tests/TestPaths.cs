using System.Reflection;
using OrderPlatform.Hosting.Vm.Tests;

[assembly: AssemblyFixture(typeof(TempFolderCleanup))]

namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>Removes the run's folders (bundles, certificates) once every test has finished.</summary>
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

/// <summary>Where the repository and throwaway folders are.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    /// <summary>The build configuration of this test assembly, which the AppHost was built with too.</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    public static string AppHost { get; } = Path.Combine(RepositoryRoot, "OrderPlatform.AppHost", "OrderPlatform.AppHost.csproj");

    /// <summary>This run's folder under the system temp folder, removed when the run ends.</summary>
    public static string RunDirectory { get; } = Path.Combine(Path.GetTempPath(), "orderplatform-vm-tests", $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");

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
