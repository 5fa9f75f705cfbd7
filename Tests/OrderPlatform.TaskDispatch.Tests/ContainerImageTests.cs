using System.Diagnostics;
using System.Text.Json.Nodes;
using OrderPlatform.TaskDispatcher.Backends.Aci;
using OrderPlatform.TaskDispatcher.Backends.ContainerAppsJobs;
using OrderPlatform.TaskDispatcher.Backends.Docker;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>
/// The task image as the SDK computes it (<c>-t:ComputeContainerConfig</c>, no registry needed): PublishContainer
/// itself needs mcr.microsoft.com for the base image, which is out of reach offline, so this checks what it would build.
/// </summary>
public sealed class ContainerImageTests
{
    [Fact]
    public async Task TheTaskImageIsTheWorkerOnAChiseledDotnetBaseUnderTheNameTheBackendsPull()
    {
        var config = await ComputeContainerConfigAsync("Services/OrderPlatform.TaskWorker/OrderPlatform.TaskWorker.csproj");

        var properties = config["Properties"]!;
        // The image every container backend starts by default is the one this project publishes.
        var image = $"{properties["ContainerRepository"]!.GetValue<string>()}:{properties["ContainerImageTag"]!.GetValue<string>()}";
        Assert.Equal("orderplatform-taskworker:latest", image);
        Assert.Equal([image, image, image], new[] { new DockerOptions().Image, new AciOptions().Image, new ContainerAppsJobOptions().Image });
        Assert.Matches("^mcr\\.microsoft\\.com/dotnet/(aspnet|runtime):10\\.0-noble-chiseled", properties["ContainerBaseImage"]!.GetValue<string>());
        var command = config["Items"]!["ContainerAppCommand"]!.AsArray().Select(i => i!["Identity"]!.GetValue<string>()).ToArray();
        Assert.Equal(["dotnet", "/app/OrderPlatform.TaskWorker.dll"], command);
    }

    private static async Task<JsonNode> ComputeContainerConfigAsync(string project)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OrderPlatform.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var start = new ProcessStartInfo("dotnet", ["msbuild", Path.Combine(root.FullName, project), "-nologo", "-t:ComputeContainerConfig",
            "-getProperty:ContainerBaseImage", "-getProperty:ContainerRepository", "-getProperty:ContainerImageTag", "-getItem:ContainerAppCommand"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"dotnet msbuild -t:ComputeContainerConfig exited {process.ExitCode}:\n{await output}\n{await errors}");
            return JsonNode.Parse(await output)!;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
