using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderPlatform.TaskWorker;
using OrderPlatform.TaskWorker.Modes;
using OrderPlatform.Tests;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>The TaskWorker's two modes with the same handler (convert-order-sheet) against Azurite.</summary>
public sealed class TaskWorkerTests(Storage storage)
{
    private const string Sheet = "Item code,Description,Quantity\r\nA-100,Widget blue,3\r\nA-200,Widget red,5\r\n";

    [Fact]
    public async Task SingleTaskModeConvertsASheetFromBlobsAndExitsZero()
    {
        var (container, task) = await UploadSheetAsync("single");
        using var worker = ServiceProcess.Start("OrderPlatform.TaskWorker", new Dictionary<string, string?>
        {
            ["TASK_DATA"] = task,
            ["ConnectionStrings:blobs"] = storage.Blobs,
        });

        Assert.True(await worker.ExitCodeAsync() == 0, worker.Output);
        await AssertParsedAsync(container);
        Assert.Contains("-> ", worker.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"taskId":"x"}""", 2)]
    [InlineData("""{"taskId":"x","taskType":"no-such-type","data":{}}""", 3)]
    [InlineData("""{"taskId":"x","taskType":"echo","data":{"exitCode":7}}""", 7)]
    [InlineData("""{"taskId":"x","taskType":"convert-order-sheet","data":{"container":"nope","blob":"missing.csv"}}""", 1)]
    public async Task SingleTaskModesExitCodeIsTheOutcome(string taskData, int exitCode)
    {
        using var worker = ServiceProcess.Start("OrderPlatform.TaskWorker", new Dictionary<string, string?>
        {
            ["TASK_DATA"] = taskData,
            ["ConnectionStrings:blobs"] = storage.Blobs,
        });

        Assert.True(await worker.ExitCodeAsync() == exitCode, $"expected exit code {exitCode}:\n{worker.Output}");
    }

    [Fact]
    public async Task PollingModeRunsTheSameHandlerAndDeletesTheMessage()
    {
        var (container, task) = await UploadSheetAsync("polling");
        var queue = storage.QueueService.GetQueueClient($"p{Guid.NewGuid():N}"[..12] + "-tasks");
        await queue.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await queue.SendMessageAsync(task, TestContext.Current.CancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:blobs"] = storage.Blobs,
            ["ConnectionStrings:queues"] = storage.Queues,
            ["TaskWorker:Queues:0"] = queue.Name,
        });
        builder.AddTaskWorker();
        using var host = builder.Build();
        var output = new StringWriter();

        Assert.True(await host.Services.GetRequiredService<PollingMode>().RunOneAsync(queue, output, TestContext.Current.CancellationToken));

        await AssertParsedAsync(container);
        Assert.Contains("-> ", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
        Assert.False(await host.Services.GetRequiredService<PollingMode>().RunOneAsync(queue, output, TestContext.Current.CancellationToken));
    }

    private async Task<(BlobContainerClient Container, string Task)> UploadSheetAsync(string purpose)
    {
        var container = storage.BlobService.GetBlobContainerClient($"{purpose}-{Guid.NewGuid():N}");
        await container.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await container.GetBlobClient("acme/order.csv").UploadAsync(BinaryData.FromBytes(Encoding.UTF8.GetBytes(Sheet)), TestContext.Current.CancellationToken);
        return (container, $$$"""{"taskId":"sheet-1","taskType":"convert-order-sheet","data":{"container":"{{{container.Name}}}","blob":"acme/order.csv"}}""");
    }

    private static async Task AssertParsedAsync(BlobContainerClient container)
    {
        var parsed = (await container.GetBlobClient("acme/order.csv.parsed.json").DownloadContentAsync(TestContext.Current.CancellationToken)).Value.Content.ToString();
        Assert.Contains("Widget blue", parsed, StringComparison.Ordinal);
        Assert.Contains("A-200", parsed, StringComparison.Ordinal);
    }
}
