using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OrderPlatform.FlowRunner.Flows;

/// <summary>Flows, versions, publish, enable/disable, import/export under <c>/api/v1/flows</c> (API key, per-key limit).</summary>
public static class FlowsApi
{
    private const long MaxFlowJson = 1024 * 1024;

    public static RouteGroupBuilder MapFlowsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/flows").WithTags("Flows").RequireAuthorization().AddEndpointFilter<Auth.PerKeyRateLimit>();
        group.MapGet("/", List);
        group.MapPost("/", Create).Accepts<FlowDocument>("application/json");
        group.MapPost("/import", Create).Accepts<FlowDocument>("application/json");
        group.MapGet("/{flowId:guid}", Get);
        group.MapGet("/{flowId:guid}/versions", Versions);
        group.MapGet("/{flowId:guid}/export", Export);
        group.MapPut("/{flowId:guid}/draft", SaveDraft).Accepts<FlowDocument>("application/json");
        group.MapPost("/{flowId:guid}/publish", Publish);
        group.MapPost("/{flowId:guid}/enable", (Guid flowId, FlowStore store, Schedules.Scheduler scheduler, CancellationToken ct) => SetEnabled(flowId, true, store, scheduler, ct));
        group.MapPost("/{flowId:guid}/disable", (Guid flowId, FlowStore store, Schedules.Scheduler scheduler, CancellationToken ct) => SetEnabled(flowId, false, store, scheduler, ct));
        return group;
    }

    /// <summary>What create, import, save-draft take and export returns. <c>webhookSecret</c> is write-only.</summary>
    public sealed record FlowDocument(string DisplayName, JsonNode Definition, string? WebhookSecret = null);

    public sealed record Created(Guid Id);

    private static async Task<Ok<List<FlowSummary>>> List(FlowStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(null, ct));

    private static async Task<Results<Created<Created>, ProblemHttpResult>> Create(HttpRequest request, FlowStore store, CancellationToken ct)
    {
        var (document, problem) = await ReadAsync(request, ct);
        if (document is null)
        {
            return problem!;
        }

        var id = await store.CreateAsync(document.DisplayName, document.Definition, string.IsNullOrEmpty(document.WebhookSecret) ? null : document.WebhookSecret, ct);
        return TypedResults.Created($"/api/v1/flows/{id}", new Created(id));
    }

    private static async Task<Results<Ok<FlowSummary>, NotFound>> Get(Guid flowId, FlowStore store, CancellationToken ct) =>
        await store.GetAsync(flowId, ct) is { } flow ? TypedResults.Ok(flow) : TypedResults.NotFound();

    private static async Task<Ok<List<FlowVersionInfo>>> Versions(Guid flowId, FlowStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.VersionsAsync(flowId, ct));

    private static async Task<Results<Ok<FlowDocument>, NotFound>> Export(Guid flowId, FlowStore store, CancellationToken ct) =>
        await store.ExportAsync(flowId, ct) is { } export ? TypedResults.Ok(new FlowDocument(export.DisplayName, export.Definition)) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> SaveDraft(Guid flowId, HttpRequest request, FlowStore store, CancellationToken ct)
    {
        var (document, problem) = await ReadAsync(request, ct);
        if (document is null)
        {
            return problem!;
        }

        return await store.SaveDraftAsync(flowId, document.DisplayName, document.Definition, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<Created>, ProblemHttpResult>> Publish(Guid flowId, FlowStore store, Schedules.Scheduler scheduler, CancellationToken ct)
    {
        if (await store.PublishAsync(flowId, ct) is not { } version)
        {
            return TypedResults.Problem(statusCode: 409, title: "Nothing to publish", detail: "The flow does not exist or has no draft (every draft is published already).");
        }

        await scheduler.SyncAsync(flowId, ct);
        return TypedResults.Ok(new Created(version));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> SetEnabled(Guid flowId, bool enabled, FlowStore store, Schedules.Scheduler scheduler, CancellationToken ct)
    {
        var result = await store.SetEnabledAsync(flowId, enabled, ct);
        if (result == true)
        {
            await scheduler.SyncAsync(flowId, ct);
        }

        return result switch
        {
            true => TypedResults.NoContent(),
            false => TypedResults.Problem(statusCode: 409, title: "Not published", detail: "Only a published flow can be enabled: publish its draft first."),
            null => TypedResults.NotFound(),
        };
    }

    // Read by hand rather than bound, so malformed JSON gets a 400 saying where, not the framework's bare one.
    private static async Task<(FlowDocument?, ProblemHttpResult?)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxFlowJson)
        {
            return (null, Invalid([$"The flow document is over {MaxFlowJson} bytes."], 413));
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return (null, Invalid([$"Malformed JSON: {e.Message}"]));
        }

        var displayName = body?["displayName"] is JsonValue n && n.TryGetValue<string>(out var s) && s.Length is > 0 and <= 200 ? s : null;
        if (displayName is null)
        {
            return (null, Invalid(["displayName: a string of 1 to 200 characters is required."]));
        }

        var (_, errors) = FlowValidator.Parse(body!["definition"]);
        if (errors.Count > 0)
        {
            return (null, Invalid(errors));
        }

        var secret = body["webhookSecret"] is JsonValue w && w.TryGetValue<string>(out var ws) ? ws : null;
        return (new FlowDocument(displayName, body["definition"]!.DeepClone(), secret), null);
    }

    private static ProblemHttpResult Invalid(List<string> errors, int status = 400) => TypedResults.Problem(
        statusCode: status, title: "Invalid flow", detail: string.Join(" ", errors),
        extensions: new Dictionary<string, object?> { ["errors"] = errors });
}
