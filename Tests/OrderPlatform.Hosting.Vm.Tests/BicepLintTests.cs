namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary><c>bicep lint</c> (the CLI from NuGet, Azure.Bicep.CommandLine.linux-x64) over the VM infrastructure and each environment's parameters.</summary>
public sealed class BicepLintTests
{
    public static readonly TheoryData<string> Files = new("main.bicep", "dev.bicepparam", "qa.bicepparam", "staging.bicepparam", "prod.bicepparam");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task TheVmInfrastructureLintsClean(string file)
    {
        var bicep = OrderPlatform.Tests.TestFolders.Metadata("BicepPath");
        Assert.True(File.Exists(bicep), $"{bicep} is missing: dotnet restore Tests/OrderPlatform.Hosting.Vm.Tests downloads it");
        // NuGet does not keep the executable bit (the package is the linux-x64 build, so this runs on Linux only).
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }
        var path = Path.Combine(OrderPlatform.Tests.TestFolders.Metadata("RepositoryRoot"), "infra", "vm", file);

        var result = await Tools.RunAsync(bicep, ["lint", path]);

        Assert.True(result.ExitCode == 0 && result.Output.Trim().Length == 0, $"bicep lint {file}: {result.ExitCode}{Environment.NewLine}{result.Output}");
    }
}
