namespace OrderPlatform.FlowRunner.Runs;

/// <summary>The spec's run statuses (§4), stored as these strings.</summary>
public static class RunStatus
{
    public const string Queued = "QUEUED";
    public const string Running = "RUNNING";
    public const string Paused = "PAUSED";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string QuotaExceeded = "QUOTA_EXCEEDED";
    public const string Timeout = "TIMEOUT";
    public const string MemoryLimitExceeded = "MEMORY_LIMIT_EXCEEDED";
    public const string LogSizeExceeded = "LOG_SIZE_EXCEEDED";
    public const string Canceled = "CANCELED";
    public const string InternalError = "INTERNAL_ERROR";

    public static readonly string[] NonTerminal = [Queued, Running, Paused];

    public static bool IsTerminal(string status) => !NonTerminal.Contains(status);
}

/// <summary>
/// A step log row's status: <c>CONTINUED</c> is a failure the flow went past (continueOnFailure); <c>WAITING</c> a
/// wait-for-webhook step whose run is paused (not finished, so replay runs it again).
/// </summary>
public static class StepStatus
{
    public const string Waiting = "WAITING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Continued = "CONTINUED";
}
