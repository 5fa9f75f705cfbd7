using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace OrderPlatform.TaskDispatcher.Dispatch;

/// <summary>
/// Holds a received message invisible: renews every V/2 and always keeps the newest pop receipt (a stale one made
/// Functions re-run messages, spec §3). A 404/400 on renewal means someone else holds the message now: the lease is
/// <see cref="Lost"/> and nothing may touch the message any more.
/// </summary>
public sealed class MessageLease : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly TimeSpan _visibility;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewals;
    private string _popReceipt;

    public MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility, TimeProvider time, ILogger logger)
    {
        (_queue, _visibility, _time, _logger) = (queue, visibility, time, logger);
        MessageId = message.MessageId;
        DequeueCount = message.DequeueCount;
        _popReceipt = message.PopReceipt;
        _renewals = RenewLoopAsync();
    }

    public string MessageId { get; }

    public long DequeueCount { get; }

    public int Renewals { get; private set; }

    public bool Lost => _lost.IsCancellationRequested;

    /// <summary>Cancelled when the lease is lost.</summary>
    public CancellationToken LostToken => _lost.Token;

    /// <summary>Deletes the message with the newest receipt; false when the lease was already lost.</summary>
    public Task<bool> DeleteAsync(CancellationToken cancellationToken) =>
        FinishAsync(receipt => _queue.DeleteMessageAsync(MessageId, receipt, cancellationToken), cancellationToken);

    /// <summary>Lets the message reappear after <paramref name="delay"/>; false when the lease was already lost.</summary>
    public Task<bool> ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        FinishAsync(receipt => _queue.UpdateMessageAsync(MessageId, receipt, visibilityTimeout: delay, cancellationToken: cancellationToken), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewals.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        _lost.Dispose();
        _gate.Dispose();
    }

    private async Task<bool> FinishAsync(Func<string, Task> action, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Lost)
            {
                return false;
            }

            await action(_popReceipt);
            return true;
        }
        catch (RequestFailedException ex) when (IsLeaseLost(ex))
        {
            await _lost.CancelAsync();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RenewLoopAsync()
    {
        var delay = _visibility / 2;
        while (!_stop.IsCancellationRequested && !Lost)
        {
            await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            // After a failed renewal, try again well before the remaining half of V runs out.
            delay = await RenewOnceAsync() ? _visibility / 2 : _visibility / 10;
        }
    }

    private async Task<bool> RenewOnceAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_stop.IsCancellationRequested)
            {
                return true;
            }

            UpdateReceipt receipt = await _queue.UpdateMessageAsync(MessageId, _popReceipt, visibilityTimeout: _visibility);
            _popReceipt = receipt.PopReceipt;
            Renewals++;
            return true;
        }
        catch (RequestFailedException ex) when (IsLeaseLost(ex))
        {
            _logger.LogWarning("Lease on message {MessageId} of {Queue} lost ({Status} {Code}); leaving it to its new holder", MessageId, _queue.Name, ex.Status, ex.ErrorCode);
            await _lost.CancelAsync();
            return false;
        }
        catch (RequestFailedException ex)
        {
            _logger.LogWarning("Renewing message {MessageId} of {Queue} failed ({Status}); retrying", MessageId, _queue.Name, ex.Status);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool IsLeaseLost(RequestFailedException ex) => ex.Status is 404 or 400;
}
