using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderPlatform.TaskDispatcher.Backends.Arm;

namespace OrderPlatform.TaskDispatcher.Backends.Aci;

/// <summary>
/// One container group per task over the ARM REST API (spec §6): PUT with <c>restartPolicy: Never</c> and
/// <c>TASK_DATA</c> as a secure value, GET for the instance view, the logs tail, DELETE (following 202). Creates go
/// through the <see cref="CreateRateLimiter"/> and a live-group ceiling; 429 waits out Retry-After (<see cref="ArmClient"/>).
/// </summary>
public sealed class AciBackend(ArmClient arm, IOptions<AciOptions> options, CreateRateLimiter limiter, TimeProvider time, ILogger<AciBackend> logger) : ITaskBackend
{
    private readonly AciOptions _options = options.Value;
    private readonly SemaphoreSlim _live = new(options.Value.MaxLiveGroups, options.Value.MaxLiveGroups);

    public int LiveGroupsFree => _live.CurrentCount;

    public async Task<TaskInstance?> GetAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, Group(name), null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        var group = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken) ?? throw new ArmException("ARM answered an empty group.");
        return AciGroups.State(name, group);
    }

    public async Task StartAsync(TaskStartRequest request, CancellationToken cancellationToken)
    {
        // The ceiling is held until DeleteAsync; a group that is never deleted here is the janitor's.
        await _live.WaitAsync(cancellationToken);
        try
        {
            await limiter.AcquireAsync(cancellationToken);
            using var response = await SendAsync(HttpMethod.Put, Group(request.Name), AciGroups.Body(_options, request), cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
            logger.LogInformation("Created container group {Name} ({Status})", request.Name, (int)response.StatusCode);
        }
        catch
        {
            _live.Release();
            throw;
        }
    }

    public async Task<string> GetLogTailAsync(string name, int lines, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{_options.GroupsPath}/{name}/containers/{AciGroups.ContainerName}/logs?tail={lines}&api-version={_options.ApiVersion}", null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return "";
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken))?["content"]?.GetValue<string>() ?? "";
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, Group(name), null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        // 202: deletion continues; done when the group answers 404.
        while (response.StatusCode == HttpStatusCode.Accepted && await GetAsync(name, cancellationToken) is not null)
        {
            await Task.Delay(_options.AsyncPollInterval, time, cancellationToken);
        }

        if (_live.CurrentCount < _options.MaxLiveGroups)
        {
            _live.Release();
        }
    }

    /// <summary>Every task group of the resource group (the janitor's view).</summary>
    public async Task<IReadOnlyList<TaskInstance>> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{_options.GroupsPath}?api-version={_options.ApiVersion}", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var page = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
        return [.. (page?["value"]?.AsArray() ?? [])
            .Where(g => g?["tags"]?[AciGroups.TaskTag] is not null)
            .Select(g => AciGroups.State(g!["name"]!.GetValue<string>(), g))];
    }

    private string Group(string name) => $"{_options.GroupsPath}/{name}?api-version={_options.ApiVersion}";

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken) =>
        arm.SendAsync(method, path, body, cancellationToken);

    private static Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ArmClient.EnsureSuccessAsync(response, cancellationToken);
}
