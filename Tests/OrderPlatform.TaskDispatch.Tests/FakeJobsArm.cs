using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>
/// ARM's Microsoft.App/jobs API as the Learn REST reference documents it, on Kestrel (the <see cref="FakeArm"/> host):
/// GET/PUT of a job (PUT answers 201 with Azure-AsyncOperation and provisioning InProgress, Succeeded on a later GET);
/// Jobs - Start answers 202 with Location and Retry-After, the Location answers 202 once and then the execution's
/// name, chosen here (<c>{job}-{digits}</c>); executions are listed in pages with nextLink and polled by name: Running
/// until <c>data.delayMs</c> of TASK_DATA passed, then Succeeded, or Failed for a non-zero <c>data.exitCode</c>; Stop
/// Execution answers 202 and the execution is Stopped after. 429 with Retry-After on demand.
/// </summary>
public sealed class FakeJobsArm : IAsyncDisposable
{
    private const string Job = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.App/jobs/{job}";
    private readonly ConcurrentDictionary<string, int> _operationPolls = new();
    private WebApplication _app = null!;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The job's JSON once PUT (or seeded); null while it does not exist.</summary>
    public JsonNode? JobResource { get; set; }

    public ConcurrentQueue<JsonNode> JobPuts { get; } = new();

    /// <summary>Every start request that reached the API, throttled ones included.</summary>
    public ConcurrentQueue<JsonNode> StartRequests { get; } = new();

    public ConcurrentDictionary<string, Execution> Executions { get; } = new();

    public ConcurrentQueue<string> Stops { get; } = new();

    public int ThrottleNextStarts { get; set; }

    public int PageSize { get; set; } = 100;

    public static async Task<FakeJobsArm> StartAsync(bool jobExists = false)
    {
        var fake = new FakeJobsArm();
        fake._app = FakeArm.Host();
        fake._app.MapGet(Job, fake.GetJob);
        fake._app.MapPut(Job, fake.PutJobAsync);
        fake._app.MapPost(Job + "/start", fake.StartJobAsync);
        fake._app.MapGet(Job + "/executions", fake.List);
        fake._app.MapGet(Job + "/executions/{execution}", (string execution) =>
            fake.Executions.TryGetValue(execution, out var e) ? Results.Json(e.Advance().Json()) : Results.NotFound(new { error = new { code = "ResourceNotFound" } }));
        fake._app.MapPost(Job + "/executions/{execution}/stop", fake.Stop);
        fake._app.MapGet("/operations/{id}", fake.Operation);
        await fake._app.StartAsync(TestContext.Current.CancellationToken);
        fake.Endpoint = new Uri(fake._app.Urls.First());
        if (jobExists)
        {
            fake.JobResource = Resource("orderplatform-tasks", "Succeeded", "registry.example.io/existing-worker:7");
        }

        return fake;
    }

    /// <summary>An execution as if an earlier dispatcher had started it for the run <paramref name="runName"/>.</summary>
    public Execution Seed(string runName, string status, string taskData = """{"data":{"delayMs":0}}""")
    {
        var execution = new Execution($"orderplatform-tasks-{Random.Shared.Next(1_000_000, 9_999_999)}", Env(runName, taskData)) { Status = status };
        Executions[execution.Name] = execution;
        return execution;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static JsonObject Resource(string name, string state, string image) => new()
    {
        ["name"] = name,
        ["type"] = "Microsoft.App/jobs",
        ["properties"] = new JsonObject
        {
            ["provisioningState"] = state,
            ["configuration"] = new JsonObject { ["triggerType"] = "Manual" },
            ["template"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "task", ["image"] = image }) },
        },
    };

    private static JsonArray Env(string runName, string taskData) => new(
        new JsonObject { ["name"] = "TASK_DATA", ["value"] = taskData },
        new JsonObject { ["name"] = "TASK_NAME", ["value"] = runName });

    private IResult GetJob(string job)
    {
        if (JobResource is null)
        {
            return Results.NotFound(new { error = new { code = "ResourceNotFound" } });
        }

        var answer = JobResource.DeepClone();
        JobResource["properties"]!["provisioningState"] = "Succeeded";
        return Results.Json(answer);
    }

    private async Task<IResult> PutJobAsync(string job, HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
        JobPuts.Enqueue(body);
        var image = body["properties"]?["template"]?["containers"]?[0]?["image"]?.GetValue<string>() ?? "";
        JobResource = Resource(job, "InProgress", image);
        request.HttpContext.Response.Headers["Azure-AsyncOperation"] = $"{Endpoint}operations/put-{job}";
        return Results.Json(JobResource, statusCode: 201);
    }

    private async Task<IResult> StartJobAsync(string sub, string rg, string job, HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
        StartRequests.Enqueue(body);
        if (ThrottleNextStarts > 0)
        {
            ThrottleNextStarts--;
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Results.Json(new { error = new { code = "TooManyRequests", message = "throttled" } }, statusCode: 429);
        }

        if (JobResource?["properties"]?["provisioningState"]?.GetValue<string>() != "Succeeded")
        {
            return Results.NotFound(new { error = new { code = "ResourceNotFound" } });
        }

        var container = body["containers"]![0]!;
        var execution = new Execution($"{job}-{Random.Shared.Next(1_000_000, 9_999_999)}", container["env"]!.AsArray().DeepClone().AsArray());
        Executions[execution.Name] = execution;
        request.HttpContext.Response.Headers.Location = $"{Endpoint}operations/start-{execution.Name}?api-version=x";
        request.HttpContext.Response.Headers.RetryAfter = "1";
        return Results.StatusCode(202);
    }

    private IResult List(HttpRequest request)
    {
        var skip = int.TryParse(request.Query["$skipToken"], out var s) ? s : 0;
        var all = Executions.Values.OrderBy(e => e.StartedAt).ToList();
        var page = all.Skip(skip).Take(PageSize).Select(e => e.Json()).ToArray();
        var next = skip + PageSize < all.Count ? $"{Endpoint.ToString().TrimEnd('/')}{request.Path}?api-version=x&$skipToken={skip + PageSize}" : null;
        return Results.Json(new JsonObject { ["value"] = new JsonArray(page), ["nextLink"] = next });
    }

    private IResult Stop(string execution)
    {
        if (!Executions.TryGetValue(execution, out var e))
        {
            return Results.NotFound(new { error = new { code = "ResourceNotFound" } });
        }

        Stops.Enqueue(execution);
        e.StopRequested = true;
        return Results.Accepted($"{Endpoint}operations/stop-{execution}");
    }

    /// <summary>ARM's operation results: 202 on the first poll, then the result (an execution's name and id for starts).</summary>
    private IResult Operation(string id)
    {
        if (_operationPolls.AddOrUpdate(id, 1, (_, n) => n + 1) == 1)
        {
            return Results.StatusCode(202);
        }

        return id.StartsWith("start-", StringComparison.Ordinal) && Executions.TryGetValue(id["start-".Length..], out var e)
            ? Results.Json(new { name = e.Name, id = $"/subscriptions/sub-1/resourceGroups/rg-tasks/providers/Microsoft.App/jobs/orderplatform-tasks/executions/{e.Name}" })
            : Results.Ok();
    }

    public sealed class Execution(string name, JsonArray env)
    {
        public string Name { get; } = name;

        public JsonArray Env { get; } = env;

        public string Status { get; set; } = "Running";

        public bool StopRequested { get; set; }

        public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

        public DateTimeOffset? EndedAt { get; private set; }

        public string TaskData => Env.First(e => e!["name"]!.GetValue<string>() == "TASK_DATA")!["value"]!.GetValue<string>();

        public Execution Advance()
        {
            if (Status is "Running" or "Processing")
            {
                var data = JsonNode.Parse(TaskData)?["data"];
                var delay = TimeSpan.FromMilliseconds(data?["delayMs"]?.GetValue<int>() ?? 0);
                Status = StopRequested ? "Stopped"
                    : DateTimeOffset.UtcNow - StartedAt < delay ? "Running"
                    : (data?["exitCode"]?.GetValue<int>() ?? 0) == 0 ? "Succeeded" : "Failed";
                EndedAt = Status is "Running" ? null : DateTimeOffset.UtcNow;
            }

            return this;
        }

        public JsonObject Json() => new()
        {
            ["name"] = Name,
            ["type"] = "Microsoft.App/jobs/executions",
            ["properties"] = new JsonObject
            {
                ["status"] = Status,
                ["startTime"] = StartedAt.ToString("O"),
                ["endTime"] = EndedAt?.ToString("O"),
                ["template"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "task", ["env"] = Env.DeepClone() }) },
            },
        };
    }
}
