using System.Diagnostics;
using Temporalio.Client;
using OrderPlatform.Tests;

namespace OrderPlatform.TemporalDev.Tests;

[Collection(nameof(ServerProcesses))]
public sealed class PersistenceTests
{
    /// <summary>With a caching worker the stored history holds sticky-queue tasks; stickiness itself is not stored.</summary>
    [Theory]
    [MemberData(nameof(Harness.CacheModes), MemberType = typeof(Harness))]
    public async Task RestartedServerWithTheSameDbFileFinishesAnOpenWorkflow(int maxCached)
    {
        string db = Path.Combine(Path.GetTempPath(), $"temporaldev-{Guid.NewGuid():N}.db");
        int port = FreePorts.Next();
        string id = $"persist-{Guid.NewGuid()}";
        string tq = $"tq-{Guid.NewGuid():N}";
        try
        {
            using (Process first = StartServer(port, db))
            {
                var client = await ConnectAsync(port);
                using (var worker = new Temporalio.Worker.TemporalWorker(client, Harness.WorkerOptions(tq, maxCached)))
                {
                    await worker.ExecuteAsync(async () =>
                    {
                        var handle = await client.StartWorkflowAsync((CollectorWorkflow wf) => wf.RunAsync(2), new(id, tq));
                        await handle.SignalAsync(wf => wf.AddAsync("before"));
                        await Harness.EventuallyAsync(async () => await handle.QueryAsync(wf => wf.Count) == 1, "the first signal");
                        var sleeper = await client.StartWorkflowAsync((SleepWorkflow wf) => wf.RunAsync(3), new(id + "-timer", tq));
                        await Harness.EventuallyAsync(
                            async () => (await sleeper.FetchHistoryAsync()).Events.Any(e => e.EventType == Temporalio.Api.Enums.V1.EventType.TimerStarted),
                            "the timer to start");
                    }, TestContext.Current.CancellationToken);
                }

                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            using Process second = StartServer(port, db);
            try
            {
                var client = await ConnectAsync(port);
                using var worker = new Temporalio.Worker.TemporalWorker(client, Harness.WorkerOptions(tq, maxCached));
                await worker.ExecuteAsync(async () =>
                {
                    var handle = client.GetWorkflowHandle<CollectorWorkflow>(id);
                    await handle.SignalAsync(wf => wf.AddAsync("after"));
                    Assert.Equal(["before", "after"], await handle.GetResultAsync<List<string>>());
                    Assert.Equal("slept", await client.GetWorkflowHandle(id + "-timer").GetResultAsync<string>());
                    await Harness.AssertReplaysAsync(handle);
                }, TestContext.Current.CancellationToken);
            }
            finally
            {
                second.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            foreach (string file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(db) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    private static Process StartServer(int port, string db) =>
        Process.Start(new ProcessStartInfo(Harness.ServerExecutable(), $"server start-dev --port {port} --headless --db-filename {db}"))!;

    private static async Task<TemporalClient> ConnectAsync(int port)
    {
        TemporalClient? client = null;
        await Harness.EventuallyAsync(async () =>
        {
            try
            {
                client = await TemporalClient.ConnectAsync(new($"127.0.0.1:{port}"));
                return true;
            }
            catch (Exception ex) when (ex is Temporalio.Exceptions.RpcException or InvalidOperationException)
            {
                return false;
            }
        }, "the server to accept connections");
        return client!;
    }
}
