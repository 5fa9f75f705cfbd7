using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.LocalProcesses;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrderPlatform.AppHost.Tests;

/// <summary>The npm tool cache (Azurite, cosmosdb-server) against a real npm.</summary>
public sealed class NpmPackageTests
{
    [Fact]
    public async Task AnInstallStillBeingWrittenIsFinishedBeforeUse()
    {
        Assert.Null(NpmPackage.MissingPrerequisite("this test"));
        var tools = Directory.CreateTempSubdirectory("orderplatform-npm-test-").FullName;
        try
        {
            // What a second app saw while the first one's npm was writing: the package's own entry file, the rest not yet
            // (Azurite started from such a tree and failed with MODULE_NOT_FOUND).
            var package = Path.Combine(tools, "is-number-7.0.0", "node_modules", "is-number");
            Directory.CreateDirectory(package);
            await File.WriteAllTextAsync(Path.Combine(package, "index.js"), "half-written", TestContext.Current.CancellationToken);
            var context = new LocalProcessContext(new ContainerResource("tool"), tools, tools, Ephemeral: true, NullLogger.Instance);

            var folder = await NpmPackage.EnsureInstalledAsync(context, "is-number", "7.0.0", "index.js", TestContext.Current.CancellationToken);

            Assert.Equal(package, folder);
            Assert.True(File.Exists(Path.Combine(package, "package.json")), "npm did not run over the half-written tree");
            Assert.NotEqual("half-written", await File.ReadAllTextAsync(Path.Combine(package, "index.js"), TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(tools, recursive: true);
        }
    }
}
