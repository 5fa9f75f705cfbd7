using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatcher.Backends.Docker;

/// <summary>
/// One container per task through the Docker Engine REST API on its unix socket: create named after the run (labels
/// hold client, message id and task type; auto-remove off, so the exit code survives for the dispatcher), start,
/// inspect, logs tail, remove. The name is the adoption key, as for the other backends.
/// </summary>
public sealed class DockerBackend(HttpClient http, IOptions<DockerOptions> options, TimeProvider time, ILogger<DockerBackend> logger) : ITaskBackend
{
    public const string ClientLabel = "orderplatform.task.client";
    public const string MessageIdLabel = "orderplatform.task.message-id";
    public const string TaskTypeLabel = "orderplatform.task.type";
    private readonly DockerOptions _options = options.Value;

    /// <summary>A client for the engine at <see cref="DockerOptions.SocketPath"/>; the host part of its URLs is unused.</summary>
    public static HttpClient CreateClient(DockerOptions options) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(options.SocketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = new Uri($"http://docker/v{options.ApiVersion}/"), Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>True when an engine answers <c>/_ping</c> with 200 within <paramref name="timeout"/>.</summary>
    public static async Task<bool> AnswersAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync("_ping", probe.Token);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>True when the engine has <see cref="DockerOptions.Image"/> (no pull here: a missing image is a set-up step).</summary>
    public async Task<bool> HasImageAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"images/{Uri.EscapeDataString(_options.Image)}/json", cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public async Task<TaskInstance?> GetAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"containers/{name}/json", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, "inspect", cancellationToken);
        var container = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken) ?? throw new DockerException("The engine answered inspect with no body.");
        return State(name, container);
    }

    public async Task StartAsync(TaskStartRequest request, CancellationToken cancellationToken)
    {
        using (var created = await http.PostAsJsonAsync($"containers/create?name={request.Name}", CreateBody(request), cancellationToken))
        {
            // 409: the name exists (a racing or crashed holder created it). Start it only if it never ran: starting an
            // exited container would run the task a second time.
            if (created.StatusCode == HttpStatusCode.Conflict && (await GetAsync(request.Name, cancellationToken))?.State != TaskInstanceState.Pending)
            {
                logger.LogInformation("Container {Name} exists already; adopting it", request.Name);
                return;
            }

            if (created.StatusCode != HttpStatusCode.Conflict)
            {
                await EnsureAsync(created, "create", cancellationToken);
            }
        }

        using var started = await http.PostAsync($"containers/{request.Name}/start", null, cancellationToken);
        if (started.StatusCode != HttpStatusCode.NotModified)
        {
            await EnsureAsync(started, "start", cancellationToken);
        }

        logger.LogInformation("Started container {Name} from {Image}", request.Name, _options.Image);
    }

    public async Task<string> GetLogTailAsync(string name, int lines, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"containers/{name}/logs?stdout=true&stderr=true&tail={lines}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return "";
        }

        await EnsureAsync(response, "logs", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await DockerLogStream.ReadAsync(stream, cancellationToken);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        // force: a running container is killed first (a time-out), as ACI's DELETE stops a running group.
        using var response = await http.DeleteAsync($"containers/{name}?force=true", cancellationToken);
        if (response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound)
        {
            return;
        }

        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            await EnsureAsync(response, "remove", cancellationToken);
        }

        // 409: a removal is already under way; done once the name answers 404.
        while (await GetAsync(name, cancellationToken) is not null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
    }

    private JsonObject CreateBody(TaskStartRequest request)
    {
        var env = new JsonArray($"TASK_DATA={request.TaskData}", $"TASK_NAME={request.Name}", $"TASK_MESSAGE_ID={request.MessageId}", "OTEL_SERVICE_NAME=taskworker");
        foreach (var (key, value) in _options.Environment)
        {
            env.Add($"{key}={value}");
        }

        var hostConfig = new JsonObject { ["AutoRemove"] = false };
        if (!string.IsNullOrEmpty(_options.NetworkMode))
        {
            hostConfig["NetworkMode"] = _options.NetworkMode;
        }

        return new JsonObject
        {
            ["Image"] = _options.Image,
            ["Env"] = env,
            ["Labels"] = new JsonObject { [ClientLabel] = request.Client, [MessageIdLabel] = request.MessageId, [TaskTypeLabel] = request.TaskType },
            ["HostConfig"] = hostConfig,
        };
    }

    /// <summary>Docker's <c>State.Status</c> onto ACI's states (adoption table, spec §5).</summary>
    private TaskInstance State(string name, JsonNode container)
    {
        var state = container["State"] ?? throw new DockerException("The engine's inspect answer has no State.");
        var status = state["Status"]?.GetValue<string>();
        var exitCode = state["ExitCode"]?.GetValue<int>();
        var started = Time(state["StartedAt"]);
        var finished = Time(state["FinishedAt"]);
        return status switch
        {
            "created" when time.GetUtcNow() - (Time(container["Created"]) ?? time.GetUtcNow()) > _options.StartGrace =>
                new(name, TaskInstanceState.Failed, null, null, time.GetUtcNow()),
            "created" => new(name, TaskInstanceState.Pending, null, null, null),
            "running" or "paused" or "restarting" => new(name, TaskInstanceState.Running, null, started, null),
            "exited" when exitCode == 0 => new(name, TaskInstanceState.Succeeded, 0, started, finished),
            "exited" or "dead" => new(name, TaskInstanceState.Failed, exitCode, started, finished),
            "removing" => new(name, TaskInstanceState.Stopped, exitCode, started, finished),
            _ => throw new DockerException($"The engine reported an unknown container status for {name}."),
        };
    }

    // Docker writes 0001-01-01T00:00:00Z for "never"; nanosecond fractions parse (extra digits are rounded).
    private static DateTimeOffset? Time(JsonNode? node) =>
        node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) && value.Year > 1
            ? value
            : null;

    private static async Task EnsureAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        // The engine's {"message": ...} names the problem (no such image, conflict); it never carries TASK_DATA.
        string? message;
        try
        {
            message = (await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken))?["message"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            message = null;
        }

        throw new DockerException($"Docker {call} answered {(int)response.StatusCode}: {message?[..Math.Min(message.Length, 300)]}");
    }
}
