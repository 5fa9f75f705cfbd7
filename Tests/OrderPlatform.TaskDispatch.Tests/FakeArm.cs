using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>
/// ARM's containerGroups API as documented (task-dispatch spec §6), on Kestrel: PUT answers 201 with provisioning
/// Creating (asynchronous), each GET moves the group on (Creating → Running → Succeeded/Failed with the exit code
/// named by <c>TASK_DATA</c>'s <c>data.exitCode</c>), logs, DELETE answers 202 and the group is gone on the next GET;
/// 429 with Retry-After and a quota error on demand. Requests without a bearer token get 401.
/// </summary>
public sealed class FakeArm : IAsyncDisposable
{
    public const string Token = "fake-arm-token";
    private const string Groups = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups";
    private WebApplication _app = null!;

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentDictionary<string, Group> Store { get; } = new();

    public ConcurrentQueue<(string Name, JsonNode Body)> Puts { get; } = new();

    public int ThrottleNextPuts { get; set; }

    public int GroupQuota { get; set; } = int.MaxValue;

    /// <summary>GETs a running group answers Running before it terminates.</summary>
    public int RunningPolls { get; set; } = 2;

    /// <summary>A Kestrel app on a free loopback port that answers 401 to requests without the fake's bearer token.</summary>
    public static WebApplication Host()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                context.Response.StatusCode = 401;
                return;
            }
            await next();
        });
        return app;
    }

    public static async Task<FakeArm> StartAsync()
    {
        var fake = new FakeArm();
        fake._app = Host();
        fake._app.MapPut(Groups + "/{name}", fake.PutAsync);
        fake._app.MapGet(Groups + "/{name}", fake.Get);
        fake._app.MapGet(Groups, fake.List);
        fake._app.MapGet(Groups + "/{name}/containers/{container}/logs", (string name, int tail) =>
            fake.Store.ContainsKey(name) ? Results.Json(new { content = $"log of {name} (tail {tail})" }) : Results.NotFound());
        fake._app.MapDelete(Groups + "/{name}", (string name) =>
            fake.Store.TryGetValue(name, out var group) ? fake.MarkDeleting(group) : Results.NoContent());
        await fake._app.StartAsync(TestContext.Current.CancellationToken);
        fake.Endpoint = new Uri(fake._app.Urls.First());
        return fake;
    }

    /// <summary>Puts a group into the store as if an earlier dispatcher had created it.</summary>
    public void Seed(string name, string state, int? exitCode = null, DateTimeOffset? finished = null) =>
        Store[name] = new Group(name, new JsonObject()) { State = state, ExitCode = exitCode, Finished = finished, Polls = 100 };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> PutAsync(string name, HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
        Puts.Enqueue((name, body));
        if (ThrottleNextPuts > 0)
        {
            ThrottleNextPuts--;
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Results.Json(new { error = new { code = "TooManyRequests", message = "throttled" } }, statusCode: 429);
        }

        if (Store.Count >= GroupQuota)
        {
            return Results.Json(new { error = new { code = "ContainerGroupQuotaReached", message = "quota" } }, statusCode: 409);
        }

        var group = Store.GetOrAdd(name, _ => new Group(name, body) { State = "Creating" });
        request.HttpContext.Response.Headers["Azure-AsyncOperation"] = $"{Endpoint}operations/{name}";
        return Results.Json(group.Json(), statusCode: 201);
    }

    private IResult Get(string name)
    {
        if (!Store.TryGetValue(name, out var group) || group.State == "Deleting" && Store.TryRemove(name, out _))
        {
            return Results.NotFound(new { error = new { code = "ResourceNotFound" } });
        }

        group.Advance(RunningPolls);
        return Results.Json(group.Json());
    }

    private IResult List() => Results.Json(new { value = Store.Values.Select(g => g.Json()).ToArray() });

    private IResult MarkDeleting(Group group)
    {
        group.State = "Deleting";
        return Results.Accepted();
    }

    public sealed class Group(string name, JsonNode body)
    {
        public string Name { get; } = name;

        public JsonNode Body { get; } = body;

        public string State { get; set; } = "Creating";

        public int? ExitCode { get; set; }

        public DateTimeOffset? Finished { get; set; }

        public int Polls { get; set; }

        public void Advance(int runningPolls)
        {
            Polls++;
            if (State == "Creating")
            {
                State = "Running";
                Polls = 0;
            }
            else if (State == "Running" && Polls > runningPolls)
            {
                ExitCode = RequestedExitCode();
                State = ExitCode == 0 ? "Succeeded" : "Failed";
                Finished = DateTimeOffset.UtcNow;
            }
        }

        public JsonObject Json() => new()
        {
            ["name"] = Name,
            ["tags"] = new JsonObject { ["orderplatform-task"] = "true" },
            ["properties"] = new JsonObject
            {
                ["provisioningState"] = State == "Creating" ? "Creating" : "Succeeded",
                ["instanceView"] = new JsonObject { ["state"] = State == "Creating" ? "Pending" : State },
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "task",
                    ["properties"] = new JsonObject
                    {
                        ["instanceView"] = new JsonObject
                        {
                            ["currentState"] = State is "Succeeded" or "Failed"
                                ? new JsonObject { ["state"] = "Terminated", ["exitCode"] = ExitCode, ["startTime"] = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O"), ["finishTime"] = Finished?.ToString("O") }
                                : new JsonObject { ["state"] = State == "Running" ? "Running" : "Waiting", ["startTime"] = DateTimeOffset.UtcNow.ToString("O") },
                        },
                    },
                }),
            },
        };

        private int RequestedExitCode()
        {
            var secure = Body["properties"]?["containers"]?[0]?["properties"]?["environmentVariables"]?.AsArray()
                .FirstOrDefault(e => e?["name"]?.GetValue<string>() == "TASK_DATA")?["secureValue"]?.GetValue<string>();
            return secure is null ? 0 : JsonNode.Parse(secure)?["data"]?["exitCode"]?.GetValue<int>() ?? 0;
        }
    }
}
