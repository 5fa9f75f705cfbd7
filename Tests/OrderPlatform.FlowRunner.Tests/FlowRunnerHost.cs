using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrderPlatform.Tests;
using OrderPlatform.FlowRunner.Runs;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>
/// The real FlowRunner on Kestrel (a loopback port) over the shared Postgres, Redis and Azurite, with its own database,
/// queue prefix and blob container (named after the database, so a second host on the same database shares it), short
/// leases and retry backoffs; <paramref name="extra"/> overrides settings, <paramref name="services"/> adds to the host's
/// services (an in-memory trace exporter). Everything it logs is kept in <see cref="Logs"/>.
/// </summary>
public sealed class FlowRunnerHost(string database, string redis, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    : LoopbackFactory<FlowRunnerOptions>
{
    public const string Key = "flowrunner-test-key-do-not-log-51c2";
    public const string SecretsKey = "flowrunner-test-secrets-key-0123456789-abcdef";

    public string Database { get; } = database;

    public string Container { get; } = ContainerFor(database);

    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>The blob container of the hosts on <paramref name="database"/>.</summary>
    public static string ContainerFor(string database) => new NpgsqlConnectionStringBuilder(database).Database!.Replace('_', '-');

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

    /// <summary>A client that follows no redirect and keeps no cookie: responses as a browser gets them (the runs page's tests).</summary>
    public HttpClient NoRedirects()
    {
        using var probe = Anonymous();
        return new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = probe.BaseAddress };
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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:flowsdb"] = Database,
            ["ConnectionStrings:redis"] = redis,
            ["ConnectionStrings:blobs"] = Infrastructure.SharedBlobs,
            ["FlowRunner:Blobs:Container"] = Container,
            ["FlowRunner:Connections:Key"] = SecretsKey,
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

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(new CapturingLoggerProvider(Logs)));
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }
}
