using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatcher.Completion;

/// <summary>
/// Records a completion: delivered to the webhook, or kept in the outbox (a blob per message id) for
/// <see cref="OutboxRetrier"/>. Only a recorded completion lets the dispatcher delete the message (spec §1 invariant).
/// </summary>
public sealed class CompletionRecorder(WebhookSender sender, BlobServiceClient blobs, IOptions<WebhookOptions> options, DispatchMetrics metrics, ILogger<CompletionRecorder> logger)
{
    private readonly WebhookOptions _options = options.Value;

    /// <summary>True once delivered or stored in the outbox; false if neither worked (keep the message).</summary>
    public async Task<bool> RecordAsync(Uri? url, CompletionReport report, CancellationToken cancellationToken)
    {
        if (url is null || await sender.SendAsync(url, report, cancellationToken))
        {
            return true;
        }

        metrics.WebhookFailed();
        try
        {
            var container = blobs.GetBlobContainerClient(_options.OutboxContainer);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await container.GetBlobClient(OutboxEntry.BlobName(report.MessageId))
                .UploadAsync(BinaryData.FromObjectAsJson(new OutboxEntry(url, report, Activity.Current?.Id), WebhookSender.Json), overwrite: true, cancellationToken);
            logger.LogWarning("Webhook for message {MessageId} failed; completion kept in the outbox", report.MessageId);
            return true;
        }
        catch (Azure.RequestFailedException ex)
        {
            logger.LogError("Webhook for message {MessageId} failed and the outbox refused it ({Status}); the message stays", report.MessageId, ex.Status);
            return false;
        }
    }

    /// <summary>One pass over the outbox: each entry delivered is removed; the rest wait for the next pass.</summary>
    public async Task<int> RetryOutboxAsync(CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(_options.OutboxContainer);
        if (!await container.ExistsAsync(cancellationToken))
        {
            return 0;
        }

        var delivered = 0;
        await foreach (BlobItem item in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            var blob = container.GetBlobClient(item.Name);
            var entry = (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<OutboxEntry>(WebhookSender.Json);
            if (entry is null)
            {
                continue;
            }

            // The retry joins the task's trace, so the late webhook still appears under the message it reports on.
            using var activity = DispatchMetrics.StartTaskActivity(entry.Report.Queue, entry.Report.MessageId, entry.TraceParent);
            activity?.SetTag("taskdispatch.outbox.retry", true);
            if (await sender.SendAsync(entry.Url, entry.Report, cancellationToken))
            {
                await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
                delivered++;
            }
        }

        return delivered;
    }
}

/// <summary>A completion waiting in the outbox, with the (already allowed) address it goes to.</summary>
public sealed record OutboxEntry(Uri Url, CompletionReport Report, string? TraceParent = null)
{
    public static string BlobName(string messageId) => $"{messageId}.json";
}

/// <summary>Retries the outbox every <see cref="WebhookOptions.OutboxRetryInterval"/>.</summary>
public sealed class OutboxRetrier(CompletionRecorder recorder, IOptions<WebhookOptions> options, TimeProvider time, ILogger<OutboxRetrier> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OutboxRetryInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await recorder.RetryOutboxAsync(stoppingToken);
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogWarning("Outbox pass failed ({Status}); next pass in {Interval}", ex.Status, options.Value.OutboxRetryInterval);
            }
        }
    }
}
