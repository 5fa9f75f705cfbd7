using System.Diagnostics;
using System.Net.Sockets;
using Temporalio.Client;
using Temporalio.Testing;

namespace OrderPlatform.TemporalDev.Tests;

[Collection(nameof(ServerProcesses))]
public sealed class LauncherTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StartLocalWithExistingPathStartsQuicklyAndKillsTheServerOnDispose()
    {
        var clock = Stopwatch.StartNew();
        var env = await WorkflowEnvironment.StartLocalAsync(new()
        {
            DevServerOptions = new() { ExistingPath = Harness.ServerExecutable() },
        });
        clock.Stop();
        output.WriteLine($"StartLocalAsync with ExistingPath took {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"start took {clock.Elapsed}");

        string target = env.Client.Connection.Options.TargetHost!;
        await Harness.RunWorkerAsync((TemporalClient)env.Client, 0, async tq =>
        {
            var handle = await env.Client.StartWorkflowAsync((SequenceWorkflow wf) => wf.RunAsync("env"), new($"env-{Guid.NewGuid()}", tq));
            Assert.Equal("env-a-b-c", await handle.GetResultAsync());
        });
        await env.DisposeAsync();

        int port = int.Parse(target.Split(':')[1]);
        await Harness.EventuallyAsync(async () =>
        {
            using var socket = new TcpClient();
            try
            {
                await socket.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
                return false;
            }
            catch (SocketException)
            {
                return true;
            }
        }, "the server process to be gone");
    }

    [Fact]
    public async Task UnknownFlagsAreRejectedWithAClearMessage()
    {
        using var process = Process.Start(new ProcessStartInfo(Harness.ServerExecutable(), "server start-dev --bogus 1")
        {
            RedirectStandardError = true,
        })!;
        string error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("unknown flag --bogus", error);
    }
}
