using System.Reflection;
using OrderPlatform.Publishing.Tests;

[assembly: AssemblyFixture(typeof(TempFolderCleanup))]

namespace OrderPlatform.Publishing.Tests;

/// <summary>Removes the run's folders (manifests, bundles, certificates) once every test has finished.</summary>
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

/// <summary>Where the repository, the Bicep CLI and throwaway folders are.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string BicepPackageDirectory { get; } = Metadata("BicepPackageDirectory");

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
