using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderPlatform.FlowRunner.Runs;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>
/// The real FlowRunner on Kestrel (a loopback port) over the shared Postgres and Redis, with its own database and queue
/// prefix, short leases and retry backoffs; <paramref name="extra"/> overrides settings, <paramref name="services"/> adds
/// to the host's services (an in-memory trace exporter).
/// </summary>
public sealed class FlowRunnerHost(string database, string redis, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<FlowRunnerOptions>
{
    public const string Key = "flowrunner-test-key-do-not-log-51c2";
    private readonly Lock _gate = new();
    private bool _listening;

    public string Database { get; } = database;

    public static async Task<FlowRunnerHost> StartAsync(Infrastructure infrastructure, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var host = new FlowRunnerHost(await infrastructure.CreateDatabaseAsync(), infrastructure.Redis, extra, services);
        host.EnsureListening();
        return host;
    }

    /// <summary>A client over real HTTP with the API key.</summary>
    public HttpClient Api()
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return client;
    }

    public HttpClient Anonymous()
    {
        EnsureListening();
        return CreateClient();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Creates, publishes and enables a flow; returns its id.</summary>
    public async Task<Guid> CreateFlowAsync(JsonObject definition, string? secret = null, bool publish = true)
    {
        using var api = Api();
        var ct = TestContext.Current.CancellationToken;
        var response = await api.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["displayName"] = "test flow", ["definition"] = definition, ["webhookSecret"] = secret }, ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<Guid>();
        if (publish)
        {
            (await api.PostAsync($"/api/v1/flows/{id}/publish", null, ct)).EnsureSuccessStatusCode();
            (await api.PostAsync($"/api/v1/flows/{id}/enable", null, ct)).EnsureSuccessStatusCode();
        }

        return id;
    }

    /// <summary>Posts to the flow's async webhook and returns the run id from the 200.</summary>
    public async Task<Guid> TriggerAsync(Guid flowId, JsonNode? body = null)
    {
        using var client = Anonymous();
        var response = await client.PostAsJsonAsync($"/api/v1/webhooks/{flowId}", body ?? new JsonObject(), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return Guid.Parse(response.Headers.GetValues("x-webhook-id").Single());
    }

    public async Task<RunSummary> WaitForStatusAsync(Guid runId, Func<string, bool> done, double timeoutSeconds = 30)
    {
        RunSummary? run = null;
        await Infrastructure.EventuallyAsync(async () =>
        {
            run = await Get<RunQueries>().GetAsync(runId, TestContext.Current.CancellationToken);
            return run is not null && done(run.Status);
        }, () => $"run {runId} to finish (last: {run?.Status}, error {run?.Error?.ToJsonString()})", timeoutSeconds);
        return run!;
    }

    public Task<RunSummary> WaitForEndAsync(Guid runId, double timeoutSeconds = 30) => WaitForStatusAsync(runId, RunStatus.IsTerminal, timeoutSeconds);

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    private void EnsureListening()
    {
        lock (_gate)
        {
            if (!_listening)
            {
                UseKestrel(0);
                StartServer();
                _listening = true;
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:flowsdb"] = Database,
            ["ConnectionStrings:redis"] = redis,
            ["FlowRunner:Keys:0"] = Key,
            ["FlowRunner:PermitsPerMinute"] = "100000",
            ["FlowRunner:QueuePrefix"] = "fr-" + Guid.NewGuid().ToString("N")[..10],
            ["FlowRunner:WorkerConcurrency"] = "4",
            ["FlowRunner:Lease"] = "00:00:03",
            ["FlowRunner:ReaperInterval"] = "00:00:01",
            ["FlowRunner:StepRetryBase"] = "00:00:00.050",
            ["FlowRunner:MaxPollDelay"] = "00:00:00.100",
            ["FlowRunner:Code:Timeout"] = "00:00:02",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }
}
