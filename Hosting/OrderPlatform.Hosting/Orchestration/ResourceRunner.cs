using System.ComponentModel;
using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Orchestration;

/// <summary>
/// The lifecycle of one resource with a local launcher: wait for dependencies → prepare → start its process(es) →
/// probe health → ready (children such as databases become ready with it) → exit or stop. Restartable.
/// </summary>
internal sealed class ResourceRunner(IResource resource, ILocalLauncher launcher, OrchestratorContext context)
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private readonly List<ManagedProcess> _processes = [];
    private CancellationTokenSource? _cts;
    private Task _run = Task.CompletedTask;
    private volatile bool _stopping;

    public IResource Resource => resource;

    public bool IsActive => !_run.IsCompleted;

    public void Start()
    {
        _stopping = false;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(context.Stopping);
        var token = _cts.Token;
        _run = Task.Run(() => RunAsync(token), CancellationToken.None);
    }

    public async Task StopAsync()
    {
        if (!IsActive)
        {
            return;
        }
        _stopping = true;
        Publish(s => s with { State = KnownResourceStates.Stopping, Health = null });
        if (_cts is not null)
        {
            await _cts.CancelAsync().ConfigureAwait(false);
        }
        ManagedProcess[] processes;
        lock (_processes) { processes = [.. _processes]; }
        await Task.WhenAll(processes.Select(p => p.StopAsync(StopGrace))).ConfigureAwait(false);
        await _run.ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            if (!await WaitForDependenciesAsync(ct).ConfigureAwait(false))
            {
                return;
            }
            Publish(s => s with { State = KnownResourceStates.Starting, Error = null, ExitCode = null });
            var started = await StartProcessesAsync(ct).ConfigureAwait(false);
            if (started is null)
            {
                return;
            }
            using var healthCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var health = ProbeHealthAsync(started, healthCts.Token);
            var exited = await Task.WhenAny(started.Select(p => p.Exited)).ConfigureAwait(false);
            await healthCts.CancelAsync().ConfigureAwait(false);
            await health.ConfigureAwait(false);
            var code = await exited.ConfigureAwait(false);
            await Task.WhenAll(started.Select(p => p.StopAsync(StopGrace))).ConfigureAwait(false);
            lock (_processes) { _processes.Clear(); }
            var state = _stopping ? KnownResourceStates.Exited : code == 0 ? KnownResourceStates.Finished : KnownResourceStates.Exited;
            var error = _stopping || code == 0 ? null
                : $"Exited with code {code}. Last log lines:{Environment.NewLine}{context.Logs.Tail(resource.Name)}";
            Publish(s => s with { State = state, Health = null, ExitCode = code, Error = error, ProcessIds = [] });
            context.SetChildren(resource, KnownResourceStates.Exited, null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Publish(s => s with { State = s.State == KnownResourceStates.Waiting ? KnownResourceStates.NotStarted : KnownResourceStates.Exited, Health = null, ProcessIds = [] });
        }
    }

    private async Task<bool> WaitForDependenciesAsync(CancellationToken ct)
    {
        var waits = resource.Annotations.OfKind<WaitAnnotation>().ToList();
        if (waits.Count == 0)
        {
            return true;
        }
        Publish(s => s with { State = KnownResourceStates.Waiting });
        foreach (var wait in waits)
        {
            var name = wait.Resource.Name;
            var snapshot = await context.Notifications.WaitForResourceAsync(name, s => wait.WaitType switch
            {
                WaitType.WaitUntilHealthy => s.IsReady || KnownResourceStates.Terminal.Contains(s.State),
                WaitType.WaitUntilStarted => s.State is KnownResourceStates.Running or KnownResourceStates.Active || KnownResourceStates.Terminal.Contains(s.State),
                _ => KnownResourceStates.Terminal.Contains(s.State),
            }, ct).ConfigureAwait(false);
            var satisfied = wait.WaitType switch
            {
                WaitType.WaitForCompletion => snapshot.ExitCode == wait.ExitCode && snapshot.State != KnownResourceStates.FailedToStart,
                _ => !KnownResourceStates.Terminal.Contains(snapshot.State),
            };
            if (!satisfied)
            {
                var why = wait.WaitType == WaitType.WaitForCompletion
                    ? $"'{name}' finished with exit code {snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} ({snapshot.State}), expected {wait.ExitCode}."
                    : $"dependency '{name}' is {snapshot.State}.";
                Fail($"Not started: {why}");
                return false;
            }
        }
        return true;
    }

    private async Task<List<ManagedProcess>?> StartProcessesAsync(CancellationToken ct)
    {
        var (env, sensitive) = await ValueResolver.ResolveEnvironmentAsync(resource, context.ExecutionContext, ct).ConfigureAwait(false);
        var argValues = await ValueResolver.EvaluateArgsAsync(resource, context.ExecutionContext).ConfigureAwait(false);
        var args = new List<string>();
        foreach (var a in argValues)
        {
            args.Add(await ValueResolver.ResolveAsync(a, ct).ConfigureAwait(false));
        }
        var replicas = resource.Annotations.OfKind<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        var started = new List<ManagedProcess>();
        try
        {
            for (var replica = 0; replica < replicas; replica++)
            {
                var launch = context.CreateLaunchContext(resource, replica, env, args);
                var spec = await launcher.PrepareAsync(launch, ct).ConfigureAwait(false);
                foreach (var secret in spec.Secrets)
                {
                    context.Logs.AddSecret(secret);
                }
                var suffix = replicas > 1 ? $"-{replica}" : "";
                var process = ManagedProcess.Start(spec, context.PidFile(resource.Name + suffix), (line, err) => context.Logs.Write(resource.Name, line, err));
                started.Add(process);
                lock (_processes) { _processes.Add(process); }
            }
        }
        catch (Exception ex) when (ex is Win32Exception or DistributedApplicationException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            await Task.WhenAll(started.Select(p => p.StopAsync(StopGrace))).ConfigureAwait(false);
            Fail(ex is Win32Exception ? $"Could not start the process: {ex.Message}" : context.Logs.Mask(ex.Message));
            return null;
        }
        var masked = env.ToDictionary(kv => kv.Key, kv => sensitive.Contains(kv.Key) ? "***" : context.Logs.Mask(kv.Value));
        Publish(s => s with
        {
            State = KnownResourceStates.Running,
            Health = ResourceHealth.Unhealthy,
            ProcessIds = [.. started.Select(p => p.Id)],
            StartedAt = DateTimeOffset.UtcNow,
            Environment = masked,
        });
        return started;
    }

    private async Task ProbeHealthAsync(List<ManagedProcess> processes, CancellationToken ct)
    {
        var checks = resource.Annotations.OfKind<HealthCheckAnnotation>().ToList();
        var ready = false;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var reports = new Dictionary<string, string>();
                var healthy = true;
                foreach (var check in checks)
                {
                    HealthProbeResult result;
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        timeout.CancelAfter(TimeSpan.FromSeconds(5));
                        result = await check.Probe(timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        result = HealthProbeResult.Fail(ex.GetType().Name);
                    }
                    reports[check.Key] = context.Logs.Mask(result.Description);
                    healthy &= result.Healthy;
                }
                if (healthy && !ready)
                {
                    var launch = context.CreateLaunchContext(resource, 0, new Dictionary<string, string>(), []);
                    await launcher.OnReadyAsync(launch, ct).ConfigureAwait(false);
                    ready = true;
                    context.SetChildren(resource, KnownResourceStates.Running, ResourceHealth.Healthy);
                }
                Publish(s => s with { Health = healthy ? ResourceHealth.Healthy : ResourceHealth.Unhealthy, HealthReports = reports });
                // Aspire's cadence: every second until healthy, then every 30 s.
                await Task.Delay(ready && healthy ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is DistributedApplicationException or Npgsql.NpgsqlException or IOException)
        {
            context.Logs.Write(resource.Name, $"[apphost] post-start step failed: {context.Logs.Mask(ex.Message)}", isError: true);
            await Task.WhenAll(processes.Select(p => p.StopAsync(StopGrace))).ConfigureAwait(false);
        }
    }

    private void Fail(string error)
    {
        Publish(s => s with { State = KnownResourceStates.FailedToStart, Health = null, Error = error, ProcessIds = [] });
        context.SetChildren(resource, KnownResourceStates.FailedToStart, null);
    }

    private void Publish(Func<ResourceSnapshot, ResourceSnapshot> update) => context.Notifications.Publish(resource.Name, update);
}
