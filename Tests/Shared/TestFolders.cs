using System.Reflection;

[assembly: AssemblyFixture(typeof(OrderPlatform.Tests.TempFolderCleanup))]

namespace OrderPlatform.Tests;

/// <summary>Throwaway folders of one test run (linked into the test projects that write bundles, manifests, certificates).</summary>
internal static class TestFolders
{
    /// <summary>This run's folder under the system temp folder, removed when the run ends (<see cref="TempFolderCleanup"/>).</summary>
    public static string RunDirectory { get; } = Path.Combine(Path.GetTempPath(), Assembly.GetExecutingAssembly().GetName().Name!.ToLowerInvariant(),
        $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>A fresh folder of this run; names never clash between tests.</summary>
    public static string NewDirectory(string purpose)
    {
        var dir = Path.Combine(RunDirectory, $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A value the test project's build wrote into its assembly metadata (paths of the repository, tools).</summary>
    public static string Metadata(string key) =>
        Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}

/// <summary>Removes the run's folders once every test has finished.</summary>
public sealed class TempFolderCleanup : IDisposable
{
    public void Dispose()
    {
        if (Directory.Exists(TestFolders.RunDirectory))
        {
            Directory.Delete(TestFolders.RunDirectory, recursive: true);
        }
    }
}
