using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskWorker.Handlers;

/// <summary>The one lookup both modes use: handlers keyed by <c>taskType</c>.</summary>
public sealed class TaskHandlerRegistry(IEnumerable<ITaskHandler> handlers, ILogger<TaskHandlerRegistry> logger)
{
    private readonly Dictionary<string, ITaskHandler> _handlers = handlers.ToDictionary(h => h.TaskType, StringComparer.Ordinal);

    public IReadOnlyCollection<string> TaskTypes => _handlers.Keys;

    /// <summary>Runs the task's handler; a handler that throws counts as a failed attempt, not a crash.</summary>
    public async Task<int> RunAsync(TaskMessage task, TextWriter output, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(task.TaskType, out var handler))
        {
            await output.WriteLineAsync($"Unknown task type '{task.TaskType}'; known: {string.Join(", ", _handlers.Keys)}.");
            return TaskExitCodes.UnknownTaskType;
        }

        try
        {
            return await handler.RunAsync(task, output, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Task {TaskId} ({TaskType}) failed", task.TaskId, task.TaskType);
            await output.WriteLineAsync($"Task {task.TaskId} failed: {ex.GetType().Name}: {ex.Message}");
            return TaskExitCodes.Failed;
        }
    }
}
