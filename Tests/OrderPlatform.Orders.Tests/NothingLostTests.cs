using Aspire.Hosting;
using System.Net;
using Azure.Storage.Blobs;
using Npgsql;
using OrderPlatform.Api.Orders;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

/// <summary>An accepted upload ends in a workflow even when Temporal or Redis fail around it.</summary>
public sealed class NothingLostTests(ApiFixture fixture, Infrastructure infrastructure) : IClassFixture<ApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly byte[] Order = Workbooks.Order("10234", "PO-L", Workbooks.KnownLines);

    private string Logs() => $"api:{Environment.NewLine}{fixture.Api.Logs.Text}{Environment.NewLine}worker:{Environment.NewLine}{fixture.Worker.Logs.Text}";

    [Fact]
    public async Task ARetriedUploadWhoseFirstAttemptStoredTheCaseButFailedToStartItCompletes()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();
        // Nothing listens on port 1: the case is stored, then the start fails, as in a Temporal outage.
        await using (var broken = new ApiHost(infrastructure, fixture.TaskQueue,
            new Dictionary<string, string?> { ["ConnectionStrings:temporal"] = "127.0.0.1:1" }))
        {
            using var failed = await OrderClient.UploadAsync(broken.CreateAuthorizedClient(), Order, "order.xlsx", tenant, key);
            Assert.False(failed.IsSuccessStatusCode, $"the first attempt answered {failed.StatusCode}");
        }

        var caseId = OrderIntake.IdempotentCaseId("teamsbot", key);
        Assert.Equal(CaseStatus.Received, (await fixture.Api.Cases.FindAsync(caseId, Ct))!.Status);

        var http = fixture.Api.CreateAuthorizedClient();
        var retried = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, Order, "order.xlsx", tenant, key));

        Assert.Equal(caseId, retried.CaseId);
        await OrderClient.WaitForStatusAsync(http, caseId, CaseStatus.Completed, Logs);
    }

    [Fact]
    public async Task UploadsStayIdempotentWhileRedisIsDown()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var key = Guid.NewGuid().ToString();
        await using var api = new ApiHost(infrastructure, fixture.TaskQueue,
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = "127.0.0.1:1,connectTimeout=300,connectRetry=0" });
        var http = api.CreateAuthorizedClient();

        var first = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, Order, "order.xlsx", tenant, key));
        var again = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, Order, "order.xlsx", tenant, key));

        Assert.Equal(first.CaseId, again.CaseId);
        await OrderClient.WaitForStatusAsync(http, first.CaseId, CaseStatus.Completed, Logs);
        Assert.Equal(1, (await api.Cases.ListAsync(new CaseQuery(tenant, null), Ct)).Total);
    }

    [Fact]
    public async Task UploadsStayIdempotentAfterTheirRedisStops()
    {
        // A Redis of its own, stopped mid-test: the Api was connected to it, unlike a Redis that was never there.
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddRedis("redis").WithLocalProcessFallback();
        var redis = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["redis"], Ct);
        var tenant = $"tenant-{Guid.NewGuid():N}";
        await using var api = new ApiHost(infrastructure, fixture.TaskQueue, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(redis, "redis", Ct),
        });
        var http = api.CreateAuthorizedClient();
        var (first, second) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var before = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, Order, "order.xlsx", tenant, first));

        await redis.DisposeAsync();
        var retried = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, Order, "order.xlsx", tenant, first));
        var fresh = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, Order, "order.xlsx", tenant, second));
        var freshAgain = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http, Order, "order.xlsx", tenant, second));

        Assert.Equal(before.CaseId, retried.CaseId);
        Assert.Equal(fresh.CaseId, freshAgain.CaseId);
        Assert.NotEqual(before.CaseId, fresh.CaseId);
        await OrderClient.WaitForStatusAsync(http, fresh.CaseId, CaseStatus.Completed, Logs);
        Assert.Equal(2, (await api.Cases.ListAsync(new CaseQuery(tenant, null), Ct)).Total);
    }

    [Fact]
    public async Task TheReconcilerStartsACaseLeftInReceivedAndFailsOneWhoseFileIsMissing()
    {
        // A database of its own: the reconciler looks at every Received case, and the suite leaves many on purpose.
        var database = $"reconcile_{Guid.NewGuid():N}";
        await using (var admin = NpgsqlDataSource.Create(infrastructure.OrdersDb))
        {
            await using var create = admin.CreateCommand($"CREATE DATABASE \"{database}\"");
            await create.ExecuteNonQueryAsync(Ct);
        }

        var ordersDb = new NpgsqlConnectionStringBuilder(infrastructure.OrdersDb) { Database = database }.ConnectionString;
        var queue = $"orders-reconcile-{Guid.NewGuid():N}";
        var own = new Dictionary<string, string?> { ["ConnectionStrings:ordersdb"] = ordersDb };
        await using var worker = new WorkerHost(infrastructure, queue, zoho: null, own);
        await worker.StartAsync();
        await using var api = new ApiHost(infrastructure, queue, new Dictionary<string, string?>(own)
        {
            ["Api:Reconcile:Enabled"] = "true",
            ["Api:Reconcile:Interval"] = "00:00:00.500",
            ["Api:Reconcile:After"] = "00:00:01",
        });

        var tenant = $"tenant-{Guid.NewGuid():N}";
        var (stuck, lost) = ($"CASE-{Guid.NewGuid():N}", $"CASE-{Guid.NewGuid():N}");
        var container = new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient("orders");
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        await container.GetBlobClient($"{tenant}/{stuck}/original.xlsx").UploadAsync(new BinaryData(Order), Ct);
        foreach (var id in new[] { stuck, lost })
        {
            await api.Cases.CreateAsync(new CaseDocument
            {
                Id = id, TenantId = tenant, UserId = "user-1",
                File = new CaseFile("order.xlsx", $"orders/{tenant}/{id}/original.xlsx", "xlsx"),
            }, new CaseEventDraft("user-1", "receive", "stored, then the Api died"), Ct);
        }

        var http = api.CreateAuthorizedClient();
        await OrderClient.WaitForStatusAsync(http, stuck, CaseStatus.Completed, () => api.Logs.Text + worker.Logs.Text);
        var failed = await OrderClient.WaitForStatusAsync(http, lost, CaseStatus.Failed);
        Assert.Contains("send it again", failed.Case.Error);
    }
}
