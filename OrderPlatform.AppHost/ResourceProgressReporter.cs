using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// Writes each resource's state changes to the AppHost log (so to the console of <c>dotnet run</c>) with the time since
/// start, and one line when every resource with a lifetime is running and healthy: the dashboard shows the same, but a
/// headless run, a script or a benchmark has only the console.
/// </summary>
internal sealed class ResourceProgressReporter(ResourceNotificationService notifications, ResourceLoggerService logs,
    DistributedApplicationModel model, IHostApplicationLifetime lifetime, ILogger<ResourceProgressReporter> logger) : BackgroundService
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        var expected = model.Resources.Where(HasLifetime).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var healthy = new HashSet<string>(StringComparer.Ordinal);
        var announced = false;
        try
        {
            await foreach (var e in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
            {
                var state = e.Snapshot.State?.Text;
                if (string.IsNullOrEmpty(state) || !expected.Contains(e.Resource.Name))
                {
                    continue;
                }
                var text = state == KnownResourceStates.Running && e.Snapshot.HealthStatus is { } h ? $"{state} ({h.ToString().ToLowerInvariant()})" : state;
                if (last.TryGetValue(e.ResourceId, out var previous) && previous == text)
                {
                    continue;
                }
                last[e.ResourceId] = text;
                logger.LogInformation("[+{Elapsed,6} ms] {Resource,-12} {State}", _clock.ElapsedMilliseconds, e.Resource.Name, text);
                // Not while the app stops: the local processes are stopped before this service is, and their Exited
                // is the shutdown, not a failure worth a log tail.
                if (state is "FailedToStart" or "Exited" && !stoppingToken.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    logger.LogWarning("{Resource} is {State}; its last log lines:{NewLine}{Tail}", e.Resource.Name, state, Environment.NewLine,
                        await LogTailAsync(e.ResourceId).ConfigureAwait(false));
                }
                if (state == KnownResourceStates.Running && e.Snapshot.HealthStatus is null or HealthStatus.Healthy)
                {
                    healthy.Add(e.Resource.Name);
                }
                else
                {
                    healthy.Remove(e.Resource.Name);
                }
                if (!announced && expected.IsSubsetOf(healthy))
                {
                    announced = true;
                    logger.LogInformation("All {Count} resources are running and healthy after {Elapsed} ms.", expected.Count, _clock.ElapsedMilliseconds);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<string> LogTailAsync(string resourceId)
    {
        var tail = new Queue<string>();
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var batch in logs.GetAllAsync(resourceId).WithCancellation(quick.Token).ConfigureAwait(false))
            {
                foreach (var line in batch)
                {
                    tail.Enqueue("  " + line.Content);
                    if (tail.Count > 20)
                    {
                        tail.Dequeue();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return tail.Count == 0 ? "  (nothing logged)" : string.Join(Environment.NewLine, tail);
    }

    private static bool HasLifetime(IResource resource) =>
        resource is not ParameterResource and not ConnectionStringResource
        && resource is not IResourceWithoutLifetime
        && !resource.Annotations.OfType<ExplicitStartupAnnotation>().Any();
}

/// <summary>Console progress for the AppHost.</summary>
internal static class ResourceProgressExtensions
{
    /// <summary>Logs each resource's state changes with the time since start, and when all are running and healthy.</summary>
    public static IDistributedApplicationBuilder AddResourceProgress(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            // Before Aspire's orchestrator, whose start returns only once DCP has created every resource (seconds):
            // registered after it, the reporter saw the states only then, all at once and with that moment's time.
            builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, ResourceProgressReporter>());
        }
        return builder;
    }
}
