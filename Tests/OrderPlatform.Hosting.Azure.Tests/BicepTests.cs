using System.Diagnostics;
using Aspire.Hosting;

namespace OrderPlatform.Hosting.Azure.Tests;

/// <summary>Every emitted module compiles with the Bicep CLI (package Azure.Bicep.CommandLine.linux-x64) without warnings.</summary>
public sealed class BicepTests
{
    [Fact]
    public async Task EmittedModulesCompileWithoutWarnings()
    {
        var (_, directory) = await Models.PublishAsync(builder =>
        {
            var storage = builder.AddAzureStorage("storage");
            storage.AddBlobs("blobs");
            storage.AddBlobContainer("orders");
            storage.AddBlobContainer("order-archive", "archive");
            storage.AddQueue("acme-tasks");
            storage.AddQueue("acme-tasks-poison");
            builder.AddAzureStorage("storage-two").AddQueues("queues-two");
            var cosmos = builder.AddAzureCosmosDB("cosmos");
            cosmos.AddCosmosDatabase("orders-db", "orders");
            cosmos.AddCosmosDatabase("audit-log");
        });

        var modules = Directory.GetFiles(directory, "*.module.bicep").Select(Path.GetFileName).Order();
        Assert.Equal(["cosmos-roles.module.bicep", "cosmos.module.bicep", "storage-roles.module.bicep", "storage-two-roles.module.bicep",
            "storage-two.module.bicep", "storage.module.bicep"], modules);
        var (exitCode, output) = await RunBicepAsync("lint", "--pattern", Path.Combine(directory, "*.bicep"));
        var diagnostics = output.Split('\n').Where(l => l.Contains(" : Warning ", StringComparison.Ordinal) || l.Contains(" : Error ", StringComparison.Ordinal));
        Assert.True(exitCode == 0 && !diagnostics.Any(), $"bicep lint: exit {exitCode}\n{output}");
    }

    private static async Task<(int ExitCode, string Output)> RunBicepAsync(params string[] args)
    {
        var path = Path.Combine(Models.BicepPackageDirectory, "tools", "bicep");
        Assert.True(File.Exists(path), $"The Bicep CLI is missing at {path}; restore the test project.");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI package referenced here is linux-x64.");
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
