using System.Net;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.ServiceDefaults.Outbound;
using OrderPlatform.FlowRunner.Steps;
using static OrderPlatform.FlowRunner.Tests.Flows;

namespace OrderPlatform.FlowRunner.Tests;

/// <summary>Code-step limits and the http step's SSRF guard, on a host with no allow-list.</summary>
public sealed class SandboxTests(Infrastructure infrastructure) : IAsyncLifetime
{
    private FlowRunnerHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await FlowRunnerHost.StartAsync(infrastructure, new Dictionary<string, string?>
    {
        ["FlowRunner:Code:MemoryBytes"] = "33554432",
        // On a loaded CI machine 5 s of wall clock can run out before 32 MB are allocated; the limit under test decides.
        ["FlowRunner:Code:Timeout"] = "00:00:30",
        ["FlowRunner:WorkerConcurrency"] = "2",
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<RunSummary> RunAsync(params System.Text.Json.Nodes.JsonObject[] steps) =>
        await _host.WaitForEndAsync(await _host.TriggerAsync(await _host.CreateFlowAsync(Flow(steps))));

    [Theory]
    [InlineData("while (true) {}", "FAILED", "CODE_")]
    [InlineData("const a = []; while (true) { a.push('x'.repeat(1024) + a.length); }", "MEMORY_LIMIT_EXCEEDED", "CODE_MEMORY_LIMIT")]
    [InlineData("function f(n) { return f(n + 1); } return f(0);", "FAILED", "CODE_RECURSION_LIMIT")]
    [InlineData("return typeof System === 'undefined' && typeof importNamespace === 'undefined' ? null.x : 'host reachable';", "FAILED", "CODE_ERROR")]
    public async Task ACodeStepOverALimitFailsWithItsTypeAndTheWorkerRunsTheNextFlow(string source, string status, string type)
    {
        var run = await RunAsync(Code("bad", source));
        Assert.Equal(status, run.Status);
        Assert.StartsWith(type, run.Error!["type"]!.GetValue<string>());
        Assert.Equal("bad", run.FailedStep);

        Assert.Equal(RunStatus.Succeeded, (await RunAsync(Code("fine", "return 1 + 1;"))).Status);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://localhost:9/")]
    [InlineData("http://[::1]:9/")]
    public async Task AnHttpStepToALoopbackOrLinkLocalAddressIsRefused(string url)
    {
        var run = await RunAsync(Http("call", url));
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("SSRF_BLOCKED", run.Error!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("2001:4860:4860::8888", false)]
    public void TheGuardKnowsWhichAddressesArePrivate(string address, bool restricted)
    {
        var ip = IPAddress.Parse(address);
        Assert.Equal(restricted, OutboundHttp.IsPrivate(ip));
    }
}
