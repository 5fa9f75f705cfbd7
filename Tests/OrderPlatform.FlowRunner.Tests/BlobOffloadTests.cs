using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Waitpoints;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>Large step outputs, webhook bodies and resume bodies go to the real Azurite and come back on read and replay.</summary>
public sealed class BlobOffloadTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure, new Dictionary<string, string?>
    {
        ["FlowRunner:Blobs:InlineBodyBytes"] = "4096",
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BlobContainerClient Container => new BlobServiceClient(infrastructure.Blobs).GetBlobContainerClient(_host.Container);

    private async Task<string?> TextAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_host.Database);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct) as string;
    }

    [Fact]
    public async Task AnOutputOver32KbIsABlobThatReadingTheRunAndReplayingItReturn()
    {
        var flowId = await _host.CreateFlowAsync(Flow(
            Code("big", "return { data: 'x'.repeat(40000) };"),
            Code("small", "return input.d.length;", new JsonObject { ["d"] = "{{big.data}}" }),
            Wait("approve"),
            Code("after", "return input.d.length;", new JsonObject { ["d"] = "{{big.data}}" })));
        var runId = await _host.TriggerAsync(flowId);
        await _host.WaitForStatusAsync(runId, s => s == RunStatus.Paused);

        var blob = await TextAsync($"SELECT output_blob FROM step_run WHERE run_id = '{runId}' AND step_name = 'big' AND output IS NULL");
        Assert.Equal($"runs/{runId}/steps/big/1.json", blob);
        Assert.True((await Container.GetBlobClient(blob).GetPropertiesAsync(cancellationToken: Ct)).Value.ContentLength > 40000);
        Assert.Null(await TextAsync($"SELECT output_blob FROM step_run WHERE run_id = '{runId}' AND step_name = 'small'"));

        using var api = _host.Api();
        var detail = (await api.GetFromJsonAsync<JsonObject>($"/api/v1/runs/{runId}", Ct))!;
        Assert.Equal(40000, detail["steps"]![0]!["output"]!["data"]!.GetValue<string>().Length);

        // After the pause the run is replayed: 'after' sees big's output as it comes back from the blob.
        using var client = _host.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(_host.Get<WaitpointStore>().ResumePath(runId, "approve"), new { }, Ct)).StatusCode);
        Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(runId)).Status);
        Assert.Equal(40000, (await _host.Get<RunQueries>().StepsAsync(runId, Ct)).Single(s => s.Name == "after").Output!.GetValue<int>());
    }

    [Fact]
    public async Task AWebhookBodyOverTheThresholdIsInBlobStorageWhenThe200ComesBack()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Code("count", "return input.items.length;", new JsonObject { ["items"] = "{{trigger.body.items}}" })));
        var items = new JsonArray([.. Enumerable.Range(0, 500).Select(i => (JsonNode?)new JsonObject { ["sku"] = $"SKU-{i:D5}" })]);
        using var client = _host.Anonymous();
        // Disabled workers would be cleaner; a flow whose run is read before it could finish is enough, as the row is the truth.
        var response = await client.PostAsJsonAsync($"/api/v1/webhooks/{flowId}", new JsonObject { ["items"] = items }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var runId = Guid.Parse(response.Headers.GetValues("x-webhook-id").Single());

        Assert.Equal(0, await _host.ScalarAsync($"SELECT length(body) FROM run_payload WHERE run_id = '{runId}'"));
        var blob = await TextAsync($"SELECT body_blob FROM run_payload WHERE run_id = '{runId}'");
        Assert.Equal($"runs/{runId}/trigger", blob);
        Assert.Contains("SKU-00499", (await Container.GetBlobClient(blob).DownloadContentAsync(Ct)).Value.Content.ToString());

        Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(runId)).Status);
        Assert.Equal(500, (await _host.Get<RunQueries>().StepsAsync(runId, Ct))[0].Output!.GetValue<int>());
    }

    [Fact]
    public async Task AResumeBodyOverTheThresholdIsABlobAndBecomesTheStepsOutput()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Wait("approve"), Code("after", "return input.n.length;", new JsonObject { ["n"] = "{{approve.body.notes}}" })));
        var runId = await _host.TriggerAsync(flowId);
        await _host.WaitForStatusAsync(runId, s => s == RunStatus.Paused);
        using var client = _host.Anonymous();
        var notes = new string('n', 10_000);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(_host.Get<WaitpointStore>().ResumePath(runId, "approve"), new { notes }, Ct)).StatusCode);
        Assert.StartsWith($"runs/{runId}/waitpoints/approve/", await TextAsync($"SELECT payload_blob FROM waitpoint WHERE run_id = '{runId}' AND payload IS NULL"));

        Assert.Equal(RunStatus.Succeeded, (await _host.WaitForEndAsync(runId)).Status);
        Assert.Equal(10_000, (await _host.Get<RunQueries>().StepsAsync(runId, Ct)).Single(s => s.Name == "after").Output!.GetValue<int>());
    }

    [Fact]
    public async Task LargeDeliveriesWhoseIdempotencyKeyIsTakenLeaveNoBlobBehind()
    {
        var flowId = await _host.CreateFlowAsync(Flow(Code("n", "return 1;"))
            .With("trigger", new JsonObject { ["idempotencyKey"] = new JsonObject { ["header"] = "Idempotency-Key" } }));
        var body = new string('b', 20_000);
        using var client = _host.Anonymous();
        async Task<string> DeliverAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{flowId}")
            {
                Headers = { { "Idempotency-Key", "large-1" } },
                Content = new StringContent(body, System.Text.Encoding.UTF8, "text/plain"),
            };
            using var response = await client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.GetValues("x-webhook-id").Single();
        }

        // At once, so several pass the key check before any insert (the race), then one after (the plain replay).
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => DeliverAsync()));
        ids = [.. ids, await DeliverAsync()];

        var runId = Assert.Single(ids.Distinct());
        var blobs = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "runs/", Ct))
        {
            blobs.Add(blob.Name);
        }

        Assert.Equal([$"runs/{runId}/trigger"], blobs.Where(b => b.EndsWith("/trigger", StringComparison.Ordinal)));
    }
}
