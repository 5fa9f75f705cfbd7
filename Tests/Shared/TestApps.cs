using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrderPlatform.Tests;

/// <summary>
/// Starting Aspire apps in tests (linked into each test project that needs one): start, wait until the named
/// resources are healthy, and on failure or time-out say which resource failed with the tail of its log, then dispose
/// the app so that no process it started outlives the test.
/// </summary>
internal static class TestApps
{
    private static readonly string[] Terminal = [KnownResourceStates.Exited, KnownResourceStates.FailedToStart, KnownResourceStates.Finished];

    /// <summary>An ad-hoc app whose container resources run as local processes, data in a throwaway folder.</summary>
    public static IDistributedApplicationTestingBuilder CreateBuilder() => DistributedApplicationTestingBuilder.Create("--LocalProcesses:Runtime=local");

    /// <summary>Builds and starts the app and waits for <paramref name="healthy"/>; disposes it if any of that fails.</summary>
    public static async Task<DistributedApplication> StartAsync(IDistributedApplicationTestingBuilder builder, string[] healthy, CancellationToken cancellationToken, int timeoutSeconds = 180)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            foreach (var name in healthy)
            {
                await WaitHealthyAsync(app, name, timeout.Token);
            }
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until <paramref name="name"/> is healthy, failing at once when it reaches a terminal state (Aspire's own
    /// wait would hang, #13714); either way the message carries the resource's state and log tail.
    /// </summary>
    public static async Task WaitHealthyAsync(DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        ResourceEvent? last = null;
        try
        {
            last = await app.ResourceNotifications.WaitForResourceAsync(name, e =>
            {
                last = e;
                return e.Snapshot.HealthStatus == HealthStatus.Healthy || Terminal.Contains(e.Snapshot.State?.Text);
            }, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"'{name}' did not become healthy in time ({Describe(last)}).{Environment.NewLine}{await LogTailAsync(app, name)}");
        }
        if (last.Snapshot.HealthStatus != HealthStatus.Healthy)
        {
            throw new InvalidOperationException($"'{name}' did not become healthy: {Describe(last)}.{Environment.NewLine}{await LogTailAsync(app, name)}");
        }
    }

    /// <summary>The last lines a resource logged.</summary>
    public static async Task<string> LogTailAsync(DistributedApplication app, string name, int lines = 30)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        // By resource, not by name: the logs of what DCP runs (executables, projects) are kept under its instance
        // names (crasher-abcd1234), so GetAllAsync(name) finds nothing for them.
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.FirstOrDefault(r => r.Name == name);
        var tail = new Queue<string>();
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var batch in (resource is null ? logs.GetAllAsync(name) : logs.GetAllAsync(resource)).WithCancellation(quick.Token))
            {
                foreach (var line in batch)
                {
                    tail.Enqueue(line.Content);
                    if (tail.Count > lines)
                    {
                        tail.Dequeue();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return $"--- last lines of {name} ---{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
    }

    /// <summary>A connection string the app must have.</summary>
    public static async Task<string> ConnectionStringAsync(DistributedApplication app, string name, CancellationToken cancellationToken) =>
        await app.GetConnectionStringAsync(name, cancellationToken) ?? throw new InvalidOperationException($"{name} has no connection string.");

    private static string Describe(ResourceEvent? e) =>
        e is null ? "no state published" : $"state {e.Snapshot.State?.Text ?? "none"}, health {e.Snapshot.HealthStatus?.ToString() ?? "none"}, exit code {e.Snapshot.ExitCode?.ToString() ?? "none"}";
}
