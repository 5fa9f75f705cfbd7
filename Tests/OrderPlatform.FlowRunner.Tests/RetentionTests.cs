using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrderPlatform.FlowRunner.Runs;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>Runs past <c>FlowRunner:RunRetention</c> go, and every blob they offloaded goes with them (real Azurite).</summary>
public sealed class RetentionTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure, new Dictionary<string, string?>
    {
        ["FlowRunner:Blobs:InlineBodyBytes"] = "4096",
        ["FlowRunner:RunRetention"] = "7.00:00:00",
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASweepDeletesRunsPastTheirRetentionWithTheirBlobsAndKeepsNewerOnes()
    {
        // A trigger body and a step output large enough to be blobs; the sweep deletes by the run's prefix, whatever is under it.
        var flowId = await _host.CreateFlowAsync(Flow(Code("big", "return { data: 'x'.repeat(40000) };")));
        var body = new JsonObject { ["pad"] = new string('p', 10_000) };
        var old = await _host.TriggerAsync(flowId, body);
        var recent = await _host.TriggerAsync(flowId, body);
        Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(old)).Status);
        Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(recent)).Status);
        Assert.Equal(2, (await BlobsAsync(old)).Count);
        Assert.Equal(2, (await BlobsAsync(recent)).Count);

        await _host.ScalarAsync($"UPDATE flow_run SET finished_at = now() - interval '8 days' WHERE id = '{old}'");
        Assert.Equal(1, await _host.Get<RunRetention>().SweepAsync(Ct));

        Assert.Empty(await BlobsAsync(old));
        Assert.Equal(0, await _host.ScalarAsync($"SELECT count(*) FROM flow_run WHERE id = '{old}'"));
        Assert.Equal(0, await _host.ScalarAsync($"SELECT (SELECT count(*) FROM step_run WHERE run_id = '{old}') + (SELECT count(*) FROM run_payload WHERE run_id = '{old}')"));
        Assert.Equal(2, (await BlobsAsync(recent)).Count);
        Assert.Equal(RunStatus.Succeeded, (await _host.Get<RunQueries>().GetAsync(recent, Ct))!.Status);
        Assert.Equal(0, await _host.Get<RunRetention>().SweepAsync(Ct));
    }

    [Fact]
    public async Task ARunThatWasRerunStaysWhileItsRerunNamesItsBlobs()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Code("boom", "throw new Error('no');")));
        var failed = await _host.TriggerAsync(flowId, new JsonObject { ["pad"] = new string('p', 10_000) });
        Assert.Equal(RunStatus.Failed, (await _host.WaitForEndAsync(failed)).Status);
        using var api = _host.Api();
        var response = await api.PostAsJsonAsync($"/api/v1/runs/{failed}/rerun", new { strategy = RerunStrategy.FromFailedStep }, Ct);
        response.EnsureSuccessStatusCode();
        var rerun = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["runId"]!.GetValue<Guid>();
        await _host.WaitForEndAsync(rerun);

        await _host.ScalarAsync($"UPDATE flow_run SET finished_at = now() - interval '8 days' WHERE id = '{failed}'");
        Assert.Equal(0, await _host.Get<RunRetention>().SweepAsync(Ct));
        Assert.Single(await BlobsAsync(failed));

        await _host.ScalarAsync($"UPDATE flow_run SET finished_at = now() - interval '8 days' WHERE id = '{rerun}'");
        Assert.Equal(1, await _host.Get<RunRetention>().SweepAsync(Ct));
        Assert.Equal(1, await _host.Get<RunRetention>().SweepAsync(Ct));
        Assert.Empty(await BlobsAsync(failed));
    }

    private async Task<List<string>> BlobsAsync(Guid runId)
    {
        var container = new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient(_host.Container);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"runs/{runId}/", Ct))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
