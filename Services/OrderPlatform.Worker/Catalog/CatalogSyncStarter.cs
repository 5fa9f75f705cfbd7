using Microsoft.Extensions.Options;
using OrderPlatform.Worker.Workflows;
using OrderPlatform.Worker.Zoho;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Extensions.Hosting;

namespace OrderPlatform.Worker.Catalog;

/// <summary>
/// Starts <see cref="CatalogSyncWorkflow"/> when the Worker starts. The workflow id is fixed per Zoho organization, and a
/// start that finds the run already going uses that run, so however many workers start there is one sync per replica.
/// Temporal not being reachable yet is waited out, the way the hosted worker waits for it.
/// </summary>
public sealed class CatalogSyncStarter(ITemporalClient client, IConfiguration configuration, IOptions<ZohoOptions> zoho,
    IOptions<CatalogSyncOptions> options, ILogger<CatalogSyncStarter> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    public static string WorkflowId(string organizationId) => $"catalog-sync-{organizationId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var id = WorkflowId(zoho.Value.OrganizationId ?? "");
        var input = new CatalogSyncInput(options.Value.SyncInterval, options.Value.SyncsPerRun);
        var start = new WorkflowOptions(id, OrderProcessingRegistration.TaskQueue(configuration))
        {
            IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting,
            Rpc = new RpcOptions { CancellationToken = stoppingToken },
        };
        while (true)
        {
            try
            {
                var handle = await client.StartWorkflowAsync((CatalogSyncWorkflow wf) => wf.RunAsync(input), start).ConfigureAwait(false);
                logger.LogInformation("Catalog sync workflow {WorkflowId} runs as {RunId}", id, handle.ResultRunId);
                return;
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Catalog sync workflow {WorkflowId} could not be started yet ({Error}); trying again in {Delay}",
                    id, ex.Message, RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}

public static class CatalogSyncRegistration
{
    /// <summary>The catalog-sync workflow and its activity on a hosted Temporal worker.</summary>
    public static ITemporalWorkerServiceOptionsBuilder AddCatalogSync(this ITemporalWorkerServiceOptionsBuilder worker) =>
        worker.AddScopedActivities<CatalogSyncActivities>().AddWorkflow<CatalogSyncWorkflow>();
}
