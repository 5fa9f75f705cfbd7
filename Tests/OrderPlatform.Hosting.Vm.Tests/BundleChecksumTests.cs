using System.Security.Cryptography;

namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>cloud-init's bundle step (infra/vm/cloud-init.yaml) run by bash against a local bundle (curl reads file:// URLs).</summary>
public sealed class BundleChecksumTests
{
    [Fact]
    public async Task TheBundleIsUnpackedOnlyWhenItsChecksumIsTheNamedOne()
    {
        var work = OrderPlatform.Tests.TestFolders.NewDirectory("bundle-checksum");
        Directory.CreateDirectory(Path.Combine(work, "content"));
        await File.WriteAllTextAsync(Path.Combine(work, "content", "compose.yaml"), "services: {}\n", TestContext.Current.CancellationToken);
        var bundle = Path.Combine(work, "bundle.tgz");
        Assert.Equal(0, (await Tools.RunAsync("tar", ["-czf", bundle, "-C", Path.Combine(work, "content"), "."])).ExitCode);
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(bundle, TestContext.Current.CancellationToken)));

        Assert.False(await UnpacksAsync(work, bundle, ""), "unpacked without a checksum");
        Assert.False(await UnpacksAsync(work, bundle, new string('0', 64)), "unpacked with a wrong checksum");
        Assert.True(await UnpacksAsync(work, bundle, sha), "not unpacked with its own checksum");
    }

    /// <summary>The runcmd line as Bicep fills it, with the install folder and download path moved into the test's folder.</summary>
    private static async Task<bool> UnpacksAsync(string work, string bundle, string sha)
    {
        var cloudInit = await File.ReadAllLinesAsync(Path.Combine(OrderPlatform.Tests.TestFolders.Metadata("RepositoryRoot"), "infra", "vm", "cloud-init.yaml"),
            TestContext.Current.CancellationToken);
        var line = cloudInit.Single(l => l.Contains("@BUNDLE_URL@", StringComparison.Ordinal) && l.Contains("tar ", StringComparison.Ordinal)).Trim();
        var target = Path.Combine(work, $"opt-{Guid.NewGuid():N}");
        Directory.CreateDirectory(target);
        var command = line[3..^1]
            .Replace("@BUNDLE_URL@", $"file://{bundle}", StringComparison.Ordinal)
            .Replace("@BUNDLE_SHA256@", sha, StringComparison.Ordinal)
            .Replace("/opt/orderplatform", target, StringComparison.Ordinal)
            .Replace("/tmp/orderplatform-bundle.tgz", Path.Combine(work, "download.tgz"), StringComparison.Ordinal);

        await Tools.RunAsync("bash", ["-c", command]);
        return File.Exists(Path.Combine(target, "compose.yaml"));
    }
}
