namespace OrderPlatform.Publishing.Tests;

public sealed class AppHostManifestTests
{
    [Fact]
    public async Task TheAppHostManifestIsExactlyTheExpectedOne()
    {
        var published = await Manifests.DefaultAsync();
        if (Environment.GetEnvironmentVariable("ORDERPLATFORM_UPDATE_EXPECTED") == "1")
        {
            // After a deliberate AppHost change: regenerate, then review the diff like any other code change.
            await File.WriteAllTextAsync(TestPaths.ExpectedManifest, published.Normalized.TrimEnd() + "\n", TestContext.Current.CancellationToken);
        }
        var expected = await File.ReadAllTextAsync(TestPaths.ExpectedManifest, TestContext.Current.CancellationToken);
        Manifests.AssertExact(expected, published.Normalized);
    }

    [Fact]
    public async Task TheBicepModulesAreWrittenNextToTheManifest()
    {
        var published = await Manifests.DefaultAsync();
        Assert.Equal(
            ["cosmos-roles.module.bicep", "cosmos.module.bicep", "storage-roles.module.bicep", "storage.module.bicep"],
            Directory.GetFiles(published.Directory, "*.bicep").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
