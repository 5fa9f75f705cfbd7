using System.Text.Json;
using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskWorker.Handlers;

/// <summary>
/// <c>echo</c>, the smoke test: prints <c>data</c>; <c>data.delayMs</c> (≤ 10 min) holds the task that long and
/// <c>data.exitCode</c> ends it with that code, so the dispatcher's long, failing and timed-out paths can be driven.
/// </summary>
public sealed class EchoHandler : ITaskHandler
{
    private const int MaxDelayMs = 10 * 60 * 1000;

    public string TaskType => "echo";

    public async Task<int> RunAsync(TaskMessage task, TextWriter output, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"echo {task.TaskId}: {task.Data.GetRawText()}");
        if (Number(task.Data, "delayMs") is { } delay)
        {
            await Task.Delay(Math.Clamp(delay, 0, MaxDelayMs), cancellationToken);
        }

        var exitCode = Number(task.Data, "exitCode") ?? TaskExitCodes.Succeeded;
        await output.WriteLineAsync($"echo {task.TaskId}: done, exit code {exitCode}");
        return exitCode;
    }

    private static int? Number(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : null;
}
