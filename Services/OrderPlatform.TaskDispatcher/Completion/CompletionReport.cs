namespace OrderPlatform.TaskDispatcher.Completion;

/// <summary>
/// The completion webhook's body (spec §1): sent on success and on final failure; <see cref="MessageId"/> doubles as the
/// receiver's idempotency key. <see cref="LogTailNote"/> says why <see cref="LogTail"/> is empty when the backend has no logs.
/// </summary>
public sealed record CompletionReport(
    string MessageId,
    string Queue,
    string TaskId,
    string TaskType,
    string Outcome,
    int? ExitCode,
    long DequeueCount,
    bool Final,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string LogTail,
    string? LogTailNote = null)
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string TimedOut = "timed-out";
    public const string Invalid = "invalid";
}
