using System.Reflection;

namespace OrderPlatform.Publishing.Tests;

/// <summary>Where the repository, the Bicep CLI and throwaway folders are.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string BicepPackageDirectory { get; } = Metadata("BicepPackageDirectory");

    /// <summary>A fresh folder under the system temp folder; names never clash between tests.</summary>
    public static string NewDirectory(string purpose)
    {
        var dir = Path.Combine(Path.GetTempPath(), "orderplatform-publishing-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}
