using Microsoft.Extensions.Options;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Runs;

namespace OrderPlatform.FlowRunner.Webhooks;

/// <summary>
/// The webhook routes of the spec's table under <c>/api/v1/webhooks</c>, every method: <c>/{flowId}</c> (async,
/// published version), <c>/{flowId}/sync</c>, <c>/{flowId}/draft</c>, <c>/{flowId}/draft/sync</c> (newest version).
/// No API key: the random flow id is the capability (and an HMAC signature when the flow asks for one), as webhooks
/// from third parties cannot send our key.
/// </summary>
public static class WebhooksApi
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/webhooks").WithTags("Webhooks").AllowAnonymous().DisableAntiforgery();
        group.MapMethods("/{flowId}", Methods, (HttpContext http, string flowId, WebhookIngress ingress) => ingress.HandleAsync(http, flowId, sync: false, draft: false));
        group.MapMethods("/{flowId}/sync", Methods, (HttpContext http, string flowId, WebhookIngress ingress) => ingress.HandleAsync(http, flowId, sync: true, draft: false));
        group.MapMethods("/{flowId}/draft", Methods, (HttpContext http, string flowId, WebhookIngress ingress) => ingress.HandleAsync(http, flowId, sync: false, draft: true));
        group.MapMethods("/{flowId}/draft/sync", Methods, (HttpContext http, string flowId, WebhookIngress ingress) => ingress.HandleAsync(http, flowId, sync: true, draft: true));
        return group;
    }
}

/// <summary>Accepts or refuses one webhook request; an accepted one is a durable run before any 2xx goes out.</summary>
public sealed class WebhookIngress(FlowStore flows, RunStore runs, Queue.RunQueue queue, SyncWaiter waiter, IOptions<FlowRunnerOptions> options, ILogger<WebhookIngress> logger)
{
    public async Task<IResult> HandleAsync(HttpContext http, string flowIdText, bool sync, bool draft)
    {
        var ct = http.RequestAborted;
        if (!Guid.TryParse(flowIdText, out var flowId) || await flows.WebhookTargetAsync(flowId, draft, ct) is not { } target)
        {
            return Problem(StatusCodes.Status410Gone, "Unknown flow", "No flow has this id (it may have been deleted).");
        }

        if (!draft && !target.Enabled)
        {
            return Problem(StatusCodes.Status404NotFound, "Flow disabled", "The flow exists but is disabled; enable it to accept webhooks.");
        }

        var body = await WebhookRequest.ReadBodyAsync(http, options.Value.WebhookBodyLimit);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Webhook bodies are limited to {options.Value.WebhookBodyLimit} bytes.");
        }

        if (target.Definition.Trigger.SignatureHeader is { } header && !WebhookRequest.SignatureValid(http.Request, header, target.Secret, body))
        {
            return Problem(StatusCodes.Status401Unauthorized, "Bad signature", $"The {header} header must be sha256=<hex HMAC-SHA256 of the raw body> with the flow's secret.");
        }

        var key = WebhookRequest.IdempotencyKey(http.Request, target.Definition.Trigger.IdempotencyKey, body);
        if (key is { Length: > 200 })
        {
            return Problem(StatusCodes.Status400BadRequest, "Idempotency key too long", "Idempotency keys are limited to 200 characters.");
        }

        var request = http.Request;
        var (runId, created) = await runs.CreateAsync(new NewRun(flowId, target.VersionId, sync, key, request.Method,
            WebhookRequest.Headers(request), WebhookRequest.Query(request), request.ContentType, body), ct);
        if (created)
        {
            await EnqueueAsync(runId, sync);
        }

        http.Response.Headers["x-webhook-id"] = runId.ToString();
        if (!created)
        {
            http.Response.Headers["x-idempotent-replay"] = "true";
        }

        return sync ? await waiter.WaitAsync(runId, ct) : TypedResults.Ok(new { runId });
    }

    // The run is durable already: if Redis refuses the entry, the reaper enqueues it after RequeueAfter.
    private async Task EnqueueAsync(Guid runId, bool sync)
    {
        try
        {
            await queue.EnqueueAsync(runId, sync);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            logger.LogWarning("Run {RunId} stored but not queued ({Error}); the reaper will queue it.", runId, e.GetType().Name);
        }
    }

    internal static IResult Problem(int status, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
}
