using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Runs;
using static OrderPlatform.FlowRunner.Tests.Flows;
using OrderPlatform.Tests;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>A FlowRunner replica as a real child process, killed with SIGKILL in the middle of a run.</summary>
public sealed class CrashTests(Infrastructure infrastructure)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AfterKill9OfTheWorkerTheRunCompletesFromItsLastCompletedStepWithinAMinute()
    {
        await using var target = await FakeTarget.StartAsync();
        var database = await infrastructure.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["FlowRunner:QueuePrefix"] = "fr-crash-" + Guid.NewGuid().ToString("N")[..8],
            ["FlowRunner:Http:AllowedPrivateTargets:0"] = "127.0.0.1",
        };
        var key = Guid.NewGuid().ToString("N");
        var clock = Stopwatch.StartNew();
        void Mark(string what) => TestContext.Current.TestOutputHelper?.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {what}");
        var port = FreePorts.Next();
        settings["ConnectionStrings:blobs"] = infrastructure.Blobs;
        settings["FlowRunner:Blobs:Container"] = FlowRunnerHost.ContainerFor(database);
        settings["FlowRunner:Connections:Key"] = FlowRunnerHost.SecretsKey;
        using var child = StartChild(database, infrastructure.Redis, port, settings);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            client.DefaultRequestHeaders.Add("X-Api-Key", FlowRunnerHost.Key);
            await Infrastructure.EventuallyAsync(async () => await Healthy(client), () => "the child FlowRunner to answer /health", 60);
            Mark("child healthy");

            var definition = Flow(
                Code("first", "return { nonce: Math.random() };"),
                Http("second", new Uri(target.Address, $"/hang-once/{key}").ToString()),
                Code("third", "return input.n;", new JsonObject { ["n"] = "{{first.nonce}}" }));
            var created = await client.PostAsJsonAsync("/api/v1/flows", new JsonObject { ["displayName"] = "crash", ["definition"] = definition }, Ct);
            var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
            (await client.PostAsync($"/api/v1/flows/{flowId}/publish", null, Ct)).EnsureSuccessStatusCode();
            (await client.PostAsync($"/api/v1/flows/{flowId}/enable", null, Ct)).EnsureSuccessStatusCode();
            var runId = Guid.Parse((await client.PostAsync($"/api/v1/webhooks/{flowId}", null, Ct)).Headers.GetValues("x-webhook-id").Single());
            await Infrastructure.EventuallyAsync(() => Task.FromResult(target.Calls(key) == 1), () => "the second step to be in flight", 30);

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(Ct);
            var killedAt = DateTime.UtcNow;
            Mark("child killed mid-step");

            await using var survivor = new FlowRunnerHost(database, infrastructure.Redis, settings);
            var run = await survivor.WaitForEndAsync(runId, 60);
            Mark("run finished on the survivor");
            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.True(DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(60));
            var steps = await survivor.Get<RunQueries>().StepsAsync(runId, Ct);
            Assert.Equal(["first", "second", "third"], steps.Select(s => s.Name));
            Assert.Equal(steps[0].Output!["nonce"]!.GetValue<double>(), steps[2].Output!.GetValue<double>());
            Assert.Equal(2, target.Calls(key));
            Assert.Equal(2, run.Attempt);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process StartChild(string database, string redis, int port, Dictionary<string, string?> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "OrderPlatform.FlowRunner.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__flowsdb"] = database;
        start.Environment["ConnectionStrings__redis"] = redis;
        start.Environment["FlowRunner__Keys__0"] = FlowRunnerHost.Key;
        start.Environment["FlowRunner__Lease"] = "00:00:03";
        start.Environment["FlowRunner__ReaperInterval"] = "00:00:01";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> Healthy(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/health", Ct)).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
