namespace OrderPlatform.TemporalDev.Engine;

/// <summary>A pulse that wakes every current waiter; used under the engine lock to release long polls.</summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitTask => _pulse.Task;

    public void Pulse()
    {
        TaskCompletionSource previous = _pulse;
        _pulse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
