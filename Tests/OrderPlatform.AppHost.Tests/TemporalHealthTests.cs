using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrderPlatform.TemporalDev;
using OrderPlatform.Tests;

namespace OrderPlatform.AppHost.Tests;

/// <summary>
/// AddTemporal's health check against the real embedded server: until the server's first answer it keeps asking (Aspire
/// itself would ask again only 1 s, then 2 s, later), and after that it asks once.
/// </summary>
public sealed class TemporalHealthTests
{
    [Fact]
    public async Task TheFirstCheckAnswersHealthyOnceAServerStartingLaterAnswersThenLaterChecksAskOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePorts.Next();
        await using var app = BuildWithTemporalOn(port);
        var health = app.Services.GetRequiredService<HealthCheckService>();

        var clock = Stopwatch.StartNew();
        var first = health.CheckHealthAsync(r => r.Name == "temporal_check", ct);
        await Task.Delay(TimeSpan.FromMilliseconds(800), ct);
        Assert.False(first.IsCompleted, "the first check gave up while the server was not yet listening");
        var server = await TemporalDevServer.StartAsync(new TemporalDevServerOptions { Port = port }, ct);
        HealthReport report;
        try
        {
            report = await first;
            Assert.True(report.Status == HealthStatus.Healthy, Describe(report));
            Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(800), $"answered after {clock.Elapsed}, before the server started");
        }
        finally
        {
            await server.DisposeAsync();
        }

        clock.Restart();
        report = await health.CheckHealthAsync(r => r.Name == "temporal_check", ct);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        // Under the 5 s first-answer wait: a server that has answered once and stops is reported at the first refusal.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the check after the server stopped took {clock.Elapsed}");
    }

    [Fact]
    public async Task ACheckForAServerThatNeverAnswersIsUnhealthyAfterTheFirstAnswerWaitWithTheReason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = BuildWithTemporalOn(FreePorts.Next());
        var health = app.Services.GetRequiredService<HealthCheckService>();

        var clock = Stopwatch.StartNew();
        var report = await health.CheckHealthAsync(r => r.Name == "temporal_check", ct);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.StartsWith("GetSystemInfo failed", report.Entries["temporal_check"].Description, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(4.5) && clock.Elapsed < TimeSpan.FromSeconds(20), $"gave up after {clock.Elapsed}");
    }

    // Built, not started: the endpoint is pinned as DCP would allocate it, so the check's connection string resolves.
    private static DistributedApplication BuildWithTemporalOn(int port)
    {
        var builder = TestApps.CreateBuilder();
        var temporal = builder.AddTemporal("temporal");
        var grpc = temporal.Resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "grpc");
        grpc.AllocatedEndpoint = new AllocatedEndpoint(grpc, "localhost", port);
        return builder.Build();
    }

    private static string Describe(HealthReport report) =>
        string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}"));
}
