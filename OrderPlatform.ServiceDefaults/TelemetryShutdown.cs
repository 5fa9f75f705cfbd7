using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Shuts the three OpenTelemetry providers down together, each within <see cref="Budget"/>, as the last step of the
/// host's stop. Left to the container's disposal they flush one after the other, each waiting for the exporter's
/// timeout when the collector does not answer (the dashboard stopping with the app; a remote collector that hangs):
/// the FlowRunner took 3.1 s to exit at the 1 s timeout and 15 s at 60 s, and 0.5 s with this, whatever the timeout.
/// </summary>
internal sealed class TelemetryShutdown(IServiceProvider services) : IHostedService
{
    /// <summary>What a stop gives telemetry still in the buffers; what is not sent by then is dropped.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(300);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var milliseconds = (int)Budget.TotalMilliseconds;
        var shutdowns = new[]
        {
            Task.Run(() => services.GetService<TracerProvider>()?.Shutdown(milliseconds), CancellationToken.None),
            Task.Run(() => services.GetService<MeterProvider>()?.Shutdown(milliseconds), CancellationToken.None),
            Task.Run(() => services.GetService<LoggerProvider>()?.Shutdown(milliseconds), CancellationToken.None),
        };
        // Shutdown spends up to its timeout on the flush and again on the exporter's own shutdown, and an export already
        // on the wire is not cut short: the wait is capped here too, and what is still waiting is left to the disposal.
        await Task.WhenAny(Task.WhenAll(shutdowns), Task.Delay(Budget * 3, CancellationToken.None)).ConfigureAwait(false);
    }
}
