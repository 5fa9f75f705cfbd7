namespace OrderPlatform.FlowRunner.Steps;

/// <summary>
/// A step's typed failure: <see cref="Type"/> is a stable code (<c>CODE_TIMEOUT</c>, <c>SSRF_BLOCKED</c>, ...) logged
/// with the step and shown on the run; <see cref="RunStatus"/> is the status the run ends with if nothing continues past.
/// </summary>
public sealed class StepFailure(string type, string message, bool retryable = false, string runStatus = Runs.RunStatus.Failed) : Exception(message)
{
    public string Type { get; } = type;

    public bool Retryable { get; } = retryable;

    public string RunStatus { get; } = runStatus;
}
