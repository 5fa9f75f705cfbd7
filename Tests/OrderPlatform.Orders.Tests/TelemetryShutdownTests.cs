using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrderPlatform.Orders.Tests;

/// <summary>ServiceDefaults' telemetry does not hold a service's stop when the OTLP collector stops answering.</summary>
public sealed class TelemetryShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStopIsNotHeldByACollectorThatAcceptsButNeverAnswers()
    {
        // Connections complete in the listen backlog and no reply ever comes: a collector that hangs, or one going down.
        using var collector = new TcpListener(IPAddress.Loopback, 0);
        collector.Start(100);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{((IPEndPoint)collector.LocalEndpoint).Port}";
        // A generous timeout, as for a remote collector: without the bounded shutdown this stop took 15 s.
        builder.Configuration["OTEL_EXPORTER_OTLP_TIMEOUT"] = "60000";
        builder.AddServiceDefaults();
        var host = builder.Build();
        await host.StartAsync(Ct);
        host.Services.GetRequiredService<ILogger<TelemetryShutdownTests>>().LogInformation("A line left to flush at the stop.");
        using (new ActivitySource(builder.Environment.ApplicationName).StartActivity("work"))
        {
            // A span left to flush too.
        }

        var clock = Stopwatch.StartNew();
        await host.StopAsync(Ct);
        host.Dispose();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the stop took {clock.Elapsed.TotalSeconds:N1} s");
    }
}
