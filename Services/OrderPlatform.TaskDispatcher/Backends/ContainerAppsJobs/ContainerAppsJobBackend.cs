using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderPlatform.TaskDispatcher.Backends.Arm;

namespace OrderPlatform.TaskDispatcher.Backends.ContainerAppsJobs;

/// <summary>
/// Runs as executions of one Manual-trigger Container Apps job over ARM (spec §9): the job is created once if missing
/// (never PUT over), each run is a <c>POST …/jobs/{job}/start</c> with a template override carrying TASK_DATA, then
/// <c>GET …/executions/{execution}</c> until terminal; a runaway is stopped with <c>…/executions/{execution}/stop</c>.
/// The service names executions, so a run is found again by its <see cref="JobShapes.NameVariable"/> env value in
/// the execution list: a running or succeeded execution for the name is adopted, never started twice. Executions
/// cannot be deleted; a failed or stopped one is history, and the name is free for the retry.
/// </summary>
public sealed class ContainerAppsJobBackend(ArmClient arm, IOptions<ContainerAppsJobOptions> options, TimeProvider time, ILogger<ContainerAppsJobBackend> logger) : ITaskBackend
{
    public const string NoLogTail =
        "no log tail: ARM has no log API for Container Apps job executions; the console output is in the environment's Log Analytics workspace (ContainerAppConsoleLogs_CL)";

    private const int MaxListPages = 20;
    private const int MaxPolls = 150;
    private readonly ContainerAppsJobOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, string> _executions = new();
    private readonly SemaphoreSlim _jobGate = new(1, 1);
    private string? _image;

    public string? NoLogTailReason => NoLogTail;

    public async Task<TaskInstance?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (!_executions.TryGetValue(name, out var execution))
        {
            var found = await FindAsync(name, cancellationToken);
            if (found is null)
            {
                return null;
            }

            _executions[name] = found.Value.Execution;
            return found.Value.Instance;
        }

        var node = await arm.GetJsonAsync(Path($"/executions/{execution}"), notFoundIsNull: true, cancellationToken);
        if (node is null)
        {
            // Only recent executions are kept: one that aged out of the history is gone for us too.
            _executions.TryRemove(name, out _);
            return null;
        }

        return JobShapes.State(name, node);
    }

    public async Task StartAsync(TaskStartRequest request, CancellationToken cancellationToken)
    {
        var image = await EnsureJobAsync(cancellationToken);
        using var response = await arm.SendAsync(HttpMethod.Post, Path("/start"), JobShapes.Start(_options, request, image), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // The job went away since it was checked: look (and create) again on the next start.
            _image = null;
        }

        await ArmClient.EnsureSuccessAsync(response, cancellationToken);
        var result = await arm.FollowLocationAsync(response, _options.AsyncPollInterval, cancellationToken)
            ?? (response.Content.Headers.ContentLength is 0 ? null : await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken));
        var execution = result?["name"]?.GetValue<string>() ?? throw new ArmException("Jobs - Start answered no execution name.");
        _executions[request.Name] = execution;
        logger.LogInformation("Started execution {Execution} of job {Job} for {Name}", execution, _options.JobName, request.Name);
    }

    public Task<string> GetLogTailAsync(string name, int lines, CancellationToken cancellationToken) => Task.FromResult("");

    /// <summary>Stops the execution if it still runs and waits until it is terminal; executions themselves stay in the job's history.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var instance = await GetAsync(name, cancellationToken);
        if (instance is not null && !instance.IsTerminal && _executions.TryGetValue(name, out var execution))
        {
            using var response = await arm.SendAsync(HttpMethod.Post, Path($"/executions/{execution}/stop"), null, cancellationToken);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                await ArmClient.EnsureSuccessAsync(response, cancellationToken);
                await arm.FollowLocationAsync(response, _options.AsyncPollInterval, cancellationToken);
                await WaitTerminalAsync(name, execution, cancellationToken);
            }
        }

        _executions.TryRemove(name, out _);
    }

    private async Task WaitTerminalAsync(string name, string execution, CancellationToken cancellationToken)
    {
        for (var poll = 0; poll < MaxPolls; poll++)
        {
            if (await GetAsync(name, cancellationToken) is not { IsTerminal: false })
            {
                logger.LogInformation("Stopped execution {Execution} of job {Job}", execution, _options.JobName);
                return;
            }

            await Task.Delay(_options.AsyncPollInterval, time, cancellationToken);
        }

        // Left running, it is adopted (and stopped again) by the message's next delivery, never run beside another.
        throw new ArmException($"Execution {execution} of job {_options.JobName} did not stop after {MaxPolls} polls.");
    }

    /// <summary>The execution started for <paramref name="name"/>: a live one first, else a succeeded one; failed ones are past attempts.</summary>
    private async Task<(string Execution, TaskInstance Instance)?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var mine = new List<(string Execution, TaskInstance Instance)>();
        var path = Path("/executions");
        for (var page = 0; path is not null && page < MaxListPages; page++)
        {
            var list = await arm.GetJsonAsync(path, notFoundIsNull: true, cancellationToken);
            if (list is null)
            {
                return null;
            }

            mine.AddRange((list["value"]?.AsArray() ?? [])
                .Where(e => e is not null && JobShapes.RunName(e) == name)
                .Select(e => (e!["name"]!.GetValue<string>(), JobShapes.State(name, e))));
            path = list["nextLink"]?.GetValue<string>() is { Length: > 0 } next ? new Uri(next).PathAndQuery : null;
        }

        var chosen = mine.Where(e => !e.Instance.IsTerminal).OrderByDescending(e => e.Instance.StartedAt).Concat(mine.Where(e => e.Instance.Succeeded)).ToList();
        return chosen.Count == 0 ? null : chosen[0];
    }

    /// <summary>GET the job; create it when missing (if allowed) and wait for its provisioning. Once per process.</summary>
    private async Task<string> EnsureJobAsync(CancellationToken cancellationToken)
    {
        if (_image is { } known)
        {
            return known;
        }

        await _jobGate.WaitAsync(cancellationToken);
        try
        {
            var job = await arm.GetJsonAsync(Path(""), notFoundIsNull: true, cancellationToken);
            if (job is null)
            {
                if (!_options.CreateJob)
                {
                    throw new ArmException($"Job {_options.JobName} does not exist and TaskDispatch:ContainerAppsJob:CreateJob is false.") { Code = "ResourceNotFound", Status = 404 };
                }

                using var put = await arm.SendAsync(HttpMethod.Put, Path(""), JobShapes.Job(_options), cancellationToken);
                await ArmClient.EnsureSuccessAsync(put, cancellationToken);
                logger.LogInformation("Created job {Job} ({Status})", _options.JobName, (int)put.StatusCode);
            }

            for (var poll = 0; job is null || JobShapes.ProvisioningState(job) is not ("Succeeded" or null); poll++)
            {
                if (poll >= MaxPolls || (job is not null && JobShapes.ProvisioningState(job) is "Failed" or "Canceled"))
                {
                    throw new ArmException($"Job {_options.JobName} is not provisioned ({(job is null ? "missing" : JobShapes.ProvisioningState(job))}).") { Code = "JobNotProvisioned" };
                }

                await Task.Delay(_options.AsyncPollInterval, time, cancellationToken);
                job = await arm.GetJsonAsync(Path(""), notFoundIsNull: true, cancellationToken);
            }

            return _image = JobShapes.ImageOf(job) ?? JobShapes.Image(_options);
        }
        finally
        {
            _jobGate.Release();
        }
    }

    private string Path(string suffix) => $"{_options.JobPath}{suffix}?api-version={_options.ApiVersion}";
}
