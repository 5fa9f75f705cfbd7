using OrderPlatform.TaskWorker.Handlers;
using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskWorker.Modes;

/// <summary>
/// <c>TASK_DATA</c> set: the container (or local process) started for one task runs it once and exits with the
/// handler's code, which the dispatcher reads as the outcome.
/// </summary>
public sealed class SingleTaskMode(TaskHandlerRegistry registry)
{
    public const string TaskDataVariable = "TASK_DATA";

    public async Task<int> RunAsync(string taskData, TextWriter output, CancellationToken cancellationToken)
    {
        TaskMessage task;
        try
        {
            task = TaskMessageReader.Parse(taskData);
        }
        catch (InvalidTaskMessageException ex)
        {
            await output.WriteLineAsync($"{TaskDataVariable} is not a task: {ex.Message}");
            return TaskExitCodes.InvalidTask;
        }

        return await registry.RunAsync(task, output, cancellationToken);
    }
}
