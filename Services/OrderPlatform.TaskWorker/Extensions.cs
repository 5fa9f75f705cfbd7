using OrderPlatform.TaskWorker.Handlers;
using OrderPlatform.TaskWorker.Modes;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.TaskWorker;

public static class Extensions
{
    /// <summary>The handlers, both modes and the storage clients that are configured (echo needs none).</summary>
    public static void AddTaskWorker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ParserOptions>().BindConfiguration(ParserOptions.Section).ValidateDataAnnotations();
        builder.Services.AddSingleton<SpreadsheetParser>();
        builder.Services.AddSingleton<ITaskHandler, EchoHandler>();
        builder.Services.AddSingleton<ITaskHandler, ConvertOrderSheetHandler>();
        builder.Services.AddSingleton<TaskHandlerRegistry>();
        builder.Services.AddSingleton<SingleTaskMode>();

        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("blobs")))
        {
            builder.AddAzureBlobServiceClient("blobs");
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("queues")))
        {
            builder.AddAzureQueueServiceClient("queues");
            builder.Services.AddOptions<PollingOptions>().BindConfiguration(PollingOptions.Section).ValidateDataAnnotations();
            builder.Services.AddSingleton<PollingMode>();
        }
    }

    /// <summary>Single-task mode when <c>TASK_DATA</c> is set (exit code = outcome), polling mode otherwise.</summary>
    public static async Task<int> RunTaskWorkerAsync(this IHost host)
    {
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await host.StartAsync(lifetime.ApplicationStopping);
        try
        {
            if (Environment.GetEnvironmentVariable(SingleTaskMode.TaskDataVariable) is { Length: > 0 } taskData)
            {
                return await host.Services.GetRequiredService<SingleTaskMode>().RunAsync(taskData, Console.Out, lifetime.ApplicationStopping);
            }

            var polling = host.Services.GetService<PollingMode>();
            if (polling is null)
            {
                await Console.Error.WriteLineAsync($"Neither {SingleTaskMode.TaskDataVariable} nor ConnectionStrings__queues is set: nothing to run.");
                return TaskExitCodes.InvalidTask;
            }

            await polling.RunAsync(Console.Out, lifetime.ApplicationStopping);
            return TaskExitCodes.Succeeded;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
