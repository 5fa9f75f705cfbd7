using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Api.Orders;

/// <summary>How often (<c>Api:Reconcile:Interval</c>) and after what age (<c>Api:Reconcile:After</c>) stuck cases are picked up.</summary>
public sealed class ReconcileOptions
{
    public const string Section = "Api:Reconcile";

    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Long enough that a request still between storing the case and starting its workflow is left alone.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Finds cases still <see cref="CaseStatus.Received"/> well after they were stored (the start failed and the client
/// never retried, or the Api died in between) and starts their workflow; a case whose file is gone is failed with a
/// sentence instead. Safe on every replica at once: a start of a case whose workflow exists is a no-op.
/// </summary>
public sealed partial class ReceivedCaseReconciler(IServiceScopeFactory scopes, IOptions<ReconcileOptions> options, TimeProvider time,
    ILogger<ReceivedCaseReconciler> logger) : BackgroundService
{
    private const int PageSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await ReconcileOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Postgres or Temporal away: the next tick tries again; the cases wait in the store meanwhile.
                LogRoundFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    public async Task<int> ReconcileOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var cases = scope.ServiceProvider.GetRequiredService<ICaseStore>();
        var intake = scope.ServiceProvider.GetRequiredService<OrderIntake>();
        var orders = scope.ServiceProvider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(OrderBlobAddress.Container);
        var cutoff = time.GetUtcNow() - options.Value.After;
        var handled = 0;
        for (var page = 1; ; page++)
        {
            var received = await cases.ListAsync(new CaseQuery(null, CaseStatus.Received, page, PageSize), ct).ConfigureAwait(false);
            foreach (var summary in received.Items.Where(c => c.UpdatedAt < cutoff))
            {
                if (await cases.FindAsync(summary.Id, ct).ConfigureAwait(false) is { Status: CaseStatus.Received } stuck)
                {
                    await ReconcileAsync(cases, intake, orders, stuck, ct).ConfigureAwait(false);
                    handled++;
                }
            }

            if (received.Items.Count < PageSize)
            {
                return handled;
            }
        }
    }

    private async Task ReconcileAsync(ICaseStore cases, OrderIntake intake, BlobContainerClient orders, CaseDocument stuck, CancellationToken ct)
    {
        var name = stuck.File?.BlobName is { } blobName && blobName.StartsWith($"{OrderBlobAddress.Container}/", StringComparison.Ordinal)
            ? blobName[(OrderBlobAddress.Container.Length + 1)..]
            : null;
        if (name is null || !(await orders.GetBlobClient(name).ExistsAsync(ct).ConfigureAwait(false)).Value)
        {
            await cases.UpdateAsync(stuck.Id, c => c with
            {
                Status = CaseStatus.Failed,
                Step = "reconcile",
                Error = "The order file was not stored completely; please send it again.",
            }, new CaseEventDraft("reconciler", "reconcile", "stuck in Received without its file"), ct).ConfigureAwait(false);
            LogFailed(logger, stuck.Id);
            return;
        }

        await intake.ResumeAsync(stuck).ConfigureAwait(false);
        LogStarted(logger, stuck.Id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId} was still Received; its workflow is started now")]
    private static partial void LogStarted(ILogger logger, string caseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId} was still Received and its file is missing; it is failed")]
    private static partial void LogFailed(ILogger logger, string caseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling Received cases failed ({Error}: {Message}); retrying at the next interval")]
    private static partial void LogRoundFailed(ILogger logger, string error, string message);
}
