using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting.Dashboard;

/// <summary>
/// The JSON the page polls, and the stop/start/restart actions. Values come from the snapshots and log buffers,
/// which are already masked; every string is masked once more against the known secrets on the way out, so a value
/// that slipped past the orchestrator's rules still never reaches the browser. Parameter values are never sent.
/// </summary>
internal sealed class DashboardApi(DistributedApplication app)
{
    private const int MaxLinesPerPoll = 2000;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/resources", Resources);
        routes.MapGet("/api/resources/{name}/logs", Logs);
        routes.MapGet("/api/resources/{name}/environment", Environment);
        routes.MapPost("/api/resources/{name}/{action}", Act);
    }

    private Task Resources(HttpContext context)
    {
        var runners = app.Orchestrator.Runners;
        var order = app.Resources.Select((r, i) => (r.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var resources = app.ResourceNotifications.Current
            .OrderBy(s => order.GetValueOrDefault(s.Name, int.MaxValue))
            .Select(s => ToDto(s, runners.TryGetValue(s.Name, out var runner) ? runner : null))
            .ToList();
        return Write(context, new ResourcesDto(resources), DashboardJson.Default.ResourcesDto);
    }

    private Task Logs(HttpContext context)
    {
        if (Find(context) is not { } name)
        {
            return NotFound(context);
        }
        var after = long.TryParse(context.Request.Query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
        var lines = app.ResourceLogs.GetLines(name, after, MaxLinesPerPoll)
            .Select(l => new LogLineDto(l.Sequence, l.Time, Mask(l.Text), l.IsError))
            .ToList();
        var last = lines.Count > 0 ? lines[^1].Seq : after;
        return Write(context, new LogsDto(name, last, lines), DashboardJson.Default.LogsDto);
    }

    private Task Environment(HttpContext context)
    {
        if (Find(context) is not { } name)
        {
            return NotFound(context);
        }
        var snapshot = app.ResourceNotifications.Get(name);
        var variables = app.GetResource(name) is ParameterResource || snapshot is null
            ? []
            : snapshot.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new EnvironmentVariableDto(kv.Key, Mask(kv.Value))).ToList();
        return Write(context, new EnvironmentDto(name, variables), DashboardJson.Default.EnvironmentDto);
    }

    private Task Act(HttpContext context)
    {
        if (Find(context) is not { } name || !app.Orchestrator.Runners.ContainsKey(name))
        {
            return NotFound(context);
        }
        var verb = context.Request.RouteValues["action"] as string;
        Func<string, Task>? action = verb switch
        {
            "stop" => app.StopResourceAsync,
            "start" => app.StartResourceAsync,
            "restart" => app.RestartResourceAsync,
            _ => null,
        };
        if (action is null)
        {
            return NotFound(context);
        }
        // Stopping can take the resource's whole grace period; the page follows the state by polling instead of waiting here.
        _ = Task.Run(async () =>
        {
            try
            {
                await action(name).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DistributedApplicationException or InvalidOperationException or IOException)
            {
                app.ResourceLogs.Write(name, $"[dashboard] {verb} failed: {app.ResourceLogs.Mask(ex.Message)}", isError: true);
            }
        });
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return Task.CompletedTask;
    }

    private ResourceDto ToDto(ResourceSnapshot s, ResourceRunner? runner) => new(
        s.Name,
        s.Kind,
        s.State,
        s.Health?.ToString(),
        s.HealthReports.Select(kv => new HealthReportDto(kv.Key, Mask(kv.Value))).ToList(),
        s.Urls.Select(kv => new UrlDto(kv.Key, kv.Value)).ToList(),
        s.StartedAt,
        s.Restarts,
        s.ProcessIds,
        s.ExitCode,
        s.Error is null ? null : Mask(s.Error),
        s.WaitsFor,
        CanStart: runner is { IsActive: false },
        CanStop: runner is { IsActive: true });

    private string? Find(HttpContext context) =>
        context.Request.RouteValues["name"] is string name && app.ResourceNotifications.Get(name) is not null ? name : null;

    private string Mask(string text) => app.ResourceLogs.Mask(text);

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static Task Write<T>(HttpContext context, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }
}

internal sealed record ResourcesDto(IReadOnlyList<ResourceDto> Resources);

internal sealed record ResourceDto(
    string Name,
    string Kind,
    string State,
    string? Health,
    IReadOnlyList<HealthReportDto> HealthReports,
    IReadOnlyList<UrlDto> Urls,
    DateTimeOffset? StartedAt,
    int Restarts,
    IReadOnlyList<int> Pids,
    int? ExitCode,
    string? Error,
    IReadOnlyList<string> WaitsFor,
    bool CanStart,
    bool CanStop);

internal sealed record HealthReportDto(string Check, string Description);

internal sealed record UrlDto(string Name, string Url);

internal sealed record LogsDto(string Resource, long Last, IReadOnlyList<LogLineDto> Lines);

internal sealed record LogLineDto(long Seq, DateTimeOffset Time, string Text, bool Err);

internal sealed record EnvironmentDto(string Resource, IReadOnlyList<EnvironmentVariableDto> Variables);

internal sealed record EnvironmentVariableDto(string Name, string Value);

// Source-generated so the first poll doesn't pay for reflection, and nothing but these shapes can be serialized.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ResourcesDto))]
[JsonSerializable(typeof(LogsDto))]
[JsonSerializable(typeof(EnvironmentDto))]
internal sealed partial class DashboardJson : JsonSerializerContext;
