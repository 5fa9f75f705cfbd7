using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrderPlatform.TemporalDev;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Tests.Zoho;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;

namespace OrderPlatform.Worker.Tests.Catalog;

/// <summary>The catalog sync as the Worker runs it: started at start-up, on the embedded Temporal server, against the Zoho fake.</summary>
[Collection("postgres")]
public sealed class CatalogSyncWorkflowTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TemporalDevServer _server = null!;
    private TemporalClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await TemporalDevServer.StartAsync(new TemporalDevServerOptions { LongPollHold = TimeSpan.FromSeconds(2) }, Ct);
        _client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(_server.Target));
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TwoWorkersShareOneSyncWorkflowThatRetriesAFailedPageRemovesWhatZohoDroppedAndContinuesAsNew()
    {
        await using var fake = await FakeZohoBooks.StartAsync();
        var run = CatalogSyncTests.Run();
        fake.Items.Add(CatalogSyncTests.Item(run, 1, $"Kabel {run}"));
        fake.Items.Add(CatalogSyncTests.Item(run, 2, $"Stecker {run}"));
        fake.Contacts.Add(CatalogSyncTests.Contact($"{run}01", $"Kunde {run} OHG", "customer"));
        fake.FailPage("items", 1);
        var queue = $"catalog-{Guid.NewGuid():N}";
        var logs = new CapturingLogs();
        var first = await StartWorkerAsync(fake, queue, logs);
        var second = await StartWorkerAsync(fake, queue, logs);
        try
        {
            var store = first.Services.GetRequiredService<CatalogStore>();
            // The polls read the replica; its tables must exist even before the first sync made them.
            await store.InitializeAsync(Ct);
            await EventuallyAsync(async () => (await store.FindItemsAsync($"SKU-{run}-2", null, null, 5, Ct)).Any(m => m.Id == $"{run}0002"),
                () => $"the first sync to fill the replica{Environment.NewLine}{string.Join(Environment.NewLine, logs.Lines)}");

            lock (fake.Items)
            {
                fake.Items.RemoveAt(1);
            }

            await EventuallyAsync(async () => (await store.FindItemsAsync($"SKU-{run}-2", null, null, 5, Ct)).All(m => m.Id != $"{run}0002"),
                () => "a later sync to remove the item Zoho no longer lists");

            var id = CatalogSyncStarter.WorkflowId(FakeZohoBooks.Organization);
            List<WorkflowExecution> runs = [];
            await EventuallyAsync(async () =>
            {
                runs = [];
                await foreach (var execution in _client.ListWorkflowsAsync($"WorkflowId = '{id}'"))
                {
                    runs.Add(execution);
                }

                return runs.Any(r => r.Status == WorkflowExecutionStatus.ContinuedAsNew);
            }, () => $"the sync to continue as new (runs: {string.Join(", ", runs.Select(r => r.Status))})");

            Assert.Single(runs, r => r.Status == WorkflowExecutionStatus.Running);
            Assert.All(runs, r => Assert.Contains(r.Status, new[] { WorkflowExecutionStatus.Running, WorkflowExecutionStatus.ContinuedAsNew }));
            Assert.Equal(2, logs.Lines.Count(l => l.StartsWith($"Information: Catalog sync workflow {id} runs as", StringComparison.Ordinal)));
            Assert.Contains(logs.Lines, l => l.StartsWith("Error: Catalog sync from Zoho failed (ServerError", StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Lines, l => l.Contains(FakeZohoBooks.ClientSecret, StringComparison.Ordinal)
                || l.Contains(FakeZohoBooks.RefreshToken, StringComparison.Ordinal) || l.Contains("1000.access-", StringComparison.Ordinal));
        }
        finally
        {
            await second.StopAsync(CancellationToken.None);
            await first.StopAsync(CancellationToken.None);
            second.Dispose();
            first.Dispose();
        }
    }

    /// <summary>The Worker's own service registration with the catalog sync on a hosted Temporal worker, Zoho pointed at the fake.</summary>
    private async Task<IHost> StartWorkerAsync(FakeZohoBooks fake, string queue, CapturingLogs logs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:ordersdb"] = postgres.ConnectionString,
            ["Temporal:TaskQueue"] = queue,
            ["Zoho:ClientId"] = FakeZohoBooks.ClientId,
            ["Zoho:ClientSecret"] = FakeZohoBooks.ClientSecret,
            ["Zoho:RefreshToken"] = FakeZohoBooks.RefreshToken,
            ["Zoho:OrganizationId"] = FakeZohoBooks.Organization,
            ["Zoho:AccountsUrl"] = fake.Address.ToString(),
            ["Catalog:SyncInterval"] = "00:00:00.500",
            ["Catalog:SyncsPerRun"] = "2",
        });
        builder.Logging.AddProvider(logs);
        builder.AddWorkerServices();
        builder.Services.AddSingleton<CatalogStore>();
        // A client (and so a worker registration) of its own, as two Worker processes would have: the SDK refuses two
        // workers for one task queue on one client.
        builder.Services.AddSingleton<ITemporalClient>(await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(_server.Target)));
        builder.Services.AddHostedTemporalWorker(queue).AddCatalogSync();
        var host = builder.Build();
        await host.StartAsync(Ct);
        return host;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, Func<string> what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what()}");
            await Task.Delay(100, Ct);
        }
    }
}
