namespace OrderPlatform.TaskDispatcher.Backends;

/// <summary>
/// Where tasks run, keyed by a deterministic name (spec §5) so a redelivered message finds the run it already started.
/// Start only after <see cref="GetAsync"/> answered null: starting over an existing name is not a no-op in ACI.
/// </summary>
public interface ITaskBackend
{
    /// <summary>The run's state, or null when nothing of that name exists (ARM's 404).</summary>
    Task<TaskInstance?> GetAsync(string name, CancellationToken cancellationToken);

    Task StartAsync(TaskStartRequest request, CancellationToken cancellationToken);

    /// <summary>The last lines the task wrote; right after termination, since stopped instances keep only a tail.</summary>
    Task<string> GetLogTailAsync(string name, int lines, CancellationToken cancellationToken);

    /// <summary>Why this backend's log tails are always empty (said in the completion instead of faking one); null when it has them.</summary>
    string? NoLogTailReason => null;

    /// <summary>Stops the run if it still runs and removes it; returns once the name is gone.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken);
}

/// <summary>ACI's instance view states (spec §6), which the Local backend maps onto.</summary>
public enum TaskInstanceState
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Stopped,
}

public sealed record TaskInstance(string Name, TaskInstanceState State, int? ExitCode, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public bool IsTerminal => State is TaskInstanceState.Succeeded or TaskInstanceState.Failed or TaskInstanceState.Stopped;

    /// <summary>The adoption table's "completion path only; never re-run".</summary>
    public bool Succeeded => State == TaskInstanceState.Succeeded && ExitCode == 0;
}

/// <summary>What a run needs: its name, labels (client, message id) and <c>TASK_DATA</c>, the whole message text.</summary>
public sealed record TaskStartRequest(string Name, string Client, string MessageId, string TaskType, string TaskData);
