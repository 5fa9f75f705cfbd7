using OrderPlatform.TaskWorker.Tasks;

namespace OrderPlatform.TaskWorker.Handlers;

/// <summary>Runs one task type; the returned code becomes the process exit code in single-task mode (0 = success).</summary>
public interface ITaskHandler
{
    string TaskType { get; }

    Task<int> RunAsync(TaskMessage task, TextWriter output, CancellationToken cancellationToken);
}

/// <summary>Exit codes the dispatcher and the CI read: 0 success, anything else a failed attempt.</summary>
public static class TaskExitCodes
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int InvalidTask = 2;
    public const int UnknownTaskType = 3;
}
