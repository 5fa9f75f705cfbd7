using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrderPlatform.TaskDispatch.Tests;

/// <summary>
/// The Docker Engine API's container endpoints as documented, on Kestrel listening on a unix socket: <c>_ping</c>,
/// image inspect, create (201; 409 name in use; 404 no such image), start (204; 304 already started), inspect, wait,
/// logs (stdout/stderr frames with the 8-byte multiplexing header, <c>tail</c>), delete (204; 404; 409 running without
/// force). A started container runs for <see cref="RunningInspects"/> inspects, then exits with <c>TASK_DATA</c>'s
/// <c>data.exitCode</c>.
/// </summary>
public sealed class FakeDocker : IAsyncDisposable
{
    private WebApplication _app = null!;

    public string Socket { get; } = Path.Combine(Path.GetTempPath(), $"fake-docker-{Guid.NewGuid():N}"[..24] + ".sock");

    public ConcurrentDictionary<string, Container> Containers { get; } = new();

    public ConcurrentQueue<(string Name, JsonNode Body)> Creates { get; } = new();

    public ConcurrentQueue<string> Starts { get; } = new();

    public HashSet<string> Images { get; } = ["orderplatform-taskworker:latest"];

    public int RunningInspects { get; set; } = 2;

    public static async Task<FakeDocker> StartAsync()
    {
        var fake = new FakeDocker();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.ListenUnixSocket(fake.Socket));
        builder.Logging.ClearProviders();
        var app = fake._app = builder.Build();
        app.MapGet("/{version}/_ping", () => Results.Text("OK"));
        app.MapGet("/{version}/images/{name}/json", (string name) => fake.Images.Contains(name) ? Results.Json(new { Id = "sha256:" + new string('a', 64) }) : NoSuch("image", name));
        app.MapPost("/{version}/containers/create", fake.CreateAsync);
        app.MapPost("/{version}/containers/{id}/start", fake.Start);
        app.MapGet("/{version}/containers/{id}/json", fake.Inspect);
        app.MapPost("/{version}/containers/{id}/wait", fake.WaitAsync);
        app.MapGet("/{version}/containers/{id}/logs", fake.LogsAsync);
        app.MapDelete("/{version}/containers/{id}", (string id, bool force = false) =>
            fake.Find(id) is not { } c ? NoSuch("container", id)
            : c.Status == "running" && !force ? Results.Json(new { message = "You cannot remove a running container" }, statusCode: 409)
            : fake.Containers.TryRemove(c.Name, out _) ? Results.NoContent() : NoSuch("container", id));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return fake;
    }

    /// <summary>A container as an earlier dispatcher left it; a running one runs until its <c>Inspects</c> is set to 0.</summary>
    public Container Seed(string name, string status, int exitCode = 0, DateTimeOffset? created = null) =>
        Containers[name] = new Container(name, new JsonObject()) { Status = status, ExitCode = exitCode, Created = created ?? DateTimeOffset.UtcNow, Inspects = int.MinValue / 2 };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(Socket);
    }

    private static IResult NoSuch(string what, string id) => Results.Json(new { message = $"No such {what}: {id}" }, statusCode: 404);

    private Container? Find(string id) => Containers.TryGetValue(id, out var c) ? c : Containers.Values.FirstOrDefault(c => c.Id == id);

    private async Task<IResult> CreateAsync(string name, HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body) ?? new JsonObject();
        Creates.Enqueue((name, body));
        if (!Images.Contains(body["Image"]?.GetValue<string>() ?? ""))
        {
            return NoSuch("image", body["Image"]?.GetValue<string>() ?? "");
        }

        var container = new Container(name, body);
        return Containers.TryAdd(name, container)
            ? Results.Json(new { Id = container.Id, Warnings = Array.Empty<string>() }, statusCode: 201)
            : Results.Json(new { message = $"Conflict. The container name \"/{name}\" is already in use by container \"{Containers[name].Id}\"." }, statusCode: 409);
    }

    private IResult Start(string id)
    {
        if (Find(id) is not { } c)
        {
            return NoSuch("container", id);
        }

        if (c.Status == "running")
        {
            return Results.StatusCode(304);
        }

        Starts.Enqueue(c.Name);
        (c.Status, c.StartedAt, c.Inspects) = ("running", DateTimeOffset.UtcNow, 0);
        return Results.NoContent();
    }

    private IResult Inspect(string id)
    {
        if (Find(id) is not { } c)
        {
            return NoSuch("container", id);
        }

        c.Advance(RunningInspects);
        return Results.Json(c.Json());
    }

    private async Task<IResult> WaitAsync(string id, CancellationToken cancellationToken)
    {
        while (Find(id) is { } c)
        {
            if (c.Status is "exited" or "dead")
            {
                return Results.Json(new { StatusCode = c.ExitCode, Error = (object?)null });
            }

            c.Advance(RunningInspects);
            await Task.Delay(50, cancellationToken);
        }

        return NoSuch("container", id);
    }

    private async Task LogsAsync(string id, int tail, HttpContext context)
    {
        if (Find(id) is not { } c)
        {
            await NoSuch("container", id).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "application/vnd.docker.multiplexed-stream";
        var lines = new List<(byte Stream, string Text)> { (1, $"log of {c.Name}\n"), (2, "a line on stderr\n"), (1, $"exit {c.ExitCode}\n") };
        foreach (var (stream, text) in lines.TakeLast(tail))
        {
            var payload = Encoding.UTF8.GetBytes(text);
            var header = new byte[8];
            header[0] = stream;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
            await context.Response.Body.WriteAsync(header);
            await context.Response.Body.WriteAsync(payload);
        }
    }

    public sealed class Container(string name, JsonNode body)
    {
        public string Name { get; } = name;

        public string Id { get; } = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

        public JsonNode Body { get; } = body;

        public string Status { get; set; } = "created";

        public int ExitCode { get; set; }

        public DateTimeOffset Created { get; set; } = DateTimeOffset.UtcNow;

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public int Inspects { get; set; }

        public void Advance(int runningInspects)
        {
            if (Status == "running" && ++Inspects > runningInspects)
            {
                (Status, ExitCode, FinishedAt) = ("exited", RequestedExitCode(), DateTimeOffset.UtcNow);
            }
        }

        // Docker's own shapes: nanosecond times, 0001-01-01 for "never".
        private const string Nanos = "yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'";

        public JsonObject Json() => new()
        {
            ["Id"] = Id,
            ["Name"] = "/" + Name,
            ["Created"] = Created.ToString(Nanos, System.Globalization.CultureInfo.InvariantCulture),
            ["State"] = new JsonObject
            {
                ["Status"] = Status,
                ["Running"] = Status == "running",
                ["ExitCode"] = ExitCode,
                ["StartedAt"] = StartedAt?.ToString(Nanos, System.Globalization.CultureInfo.InvariantCulture) ?? "0001-01-01T00:00:00Z",
                ["FinishedAt"] = FinishedAt?.ToString(Nanos, System.Globalization.CultureInfo.InvariantCulture) ?? "0001-01-01T00:00:00Z",
            },
            ["Config"] = new JsonObject { ["Image"] = Body["Image"]?.DeepClone(), ["Labels"] = Body["Labels"]?.DeepClone() },
        };

        private int RequestedExitCode()
        {
            var data = Body["Env"]?.AsArray().Select(e => e?.GetValue<string>()).FirstOrDefault(e => e?.StartsWith("TASK_DATA=", StringComparison.Ordinal) == true);
            return data is null ? 0 : JsonNode.Parse(data["TASK_DATA=".Length..])?["data"]?["exitCode"]?.GetValue<int>() ?? 0;
        }
    }
}
