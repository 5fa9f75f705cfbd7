using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrderPlatform.Contracts;

namespace OrderPlatform.TeamsBot.Notify;

public static class NotifyApi
{
    /// <summary>Optional; with it a repeated request (same case and key) is answered with the first result, not sent again.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Proactive results for the Worker: <c>POST /api/notify/{caseId}</c> with <see cref="NotifyRequest"/>.</summary>
    public static RouteGroupBuilder MapNotifyApi(this IEndpointRouteBuilder app)
    {
        // Internal port only (InternalEndpoint:Port): the Worker is the one caller, from inside the environment.
        var api = app.MapGroup("/api/notify").WithTags("Notify").RequireInternalPort();
        api.MapPost("/{caseId}", NotifyAsync);
        return api;
    }

    /// <summary>
    /// Reads the body itself: a bound parameter would be read (up to Kestrel's 30 MB) before any filter could look at
    /// the key, so an unauthenticated caller could make the bot buffer large bodies.
    /// </summary>
    public static async Task<Results<Ok<NotifyResult>, JsonHttpResult<NotifyResult>, NotFound, ValidationProblem, UnauthorizedHttpResult,
        StatusCodeHttpResult>> NotifyAsync(string caseId, HttpContext context, NotifyKey key, IOptions<NotifyOptions> options,
        NotificationSender sender, NotificationLedger ledger, CancellationToken cancellationToken)
    {
        if (!key.Accepts(context.Request))
        {
            return TypedResults.Unauthorized();
        }

        var limit = options.Value.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        NotifyRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<NotifyRequest>(cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body must be a JSON notify request."] });
        }

        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The body is empty."] });
        }

        var idempotencyKey = context.Request.Headers[IdempotencyKeyHeader].ToString();
        if (Validate(request, idempotencyKey) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = idempotencyKey.Length == 0
            ? await sender.SendAsync(caseId, request, cancellationToken)
            : await ledger.SendOnceAsync(caseId, idempotencyKey, () => SendDetachedAsync(sender, caseId, request), cancellationToken);
        return outcome switch
        {
            { Result: { } result } when result.Outcome == NotifyOutcomes.Blocked =>
                TypedResults.Json(result, statusCode: StatusCodes.Status410Gone),
            { Result: { } result } => TypedResults.Ok(result),
            { NoConversation: true } => TypedResults.NotFound(),
            { InProgress: true } => TypedResults.StatusCode(StatusCodes.Status409Conflict),
            _ => TypedResults.StatusCode(StatusCodes.Status502BadGateway),
        };
    }

    // Under a key the send does not follow the caller's abort: a Worker whose client timed out hangs up exactly when the
    // post may already be in Teams, and a send cancelled then would free the key for a second post. It is bounded
    // instead, inside the ledger's claim, so the claim never lapses while a send is still under way.
    private static async Task<NotifyOutcome> SendDetachedAsync(NotificationSender sender, string caseId, NotifyRequest request)
    {
        using var bounded = new CancellationTokenSource(NotificationLedger.ClaimFor / 2);
        return await sender.SendAsync(caseId, request, bounded.Token);
    }

    private static Dictionary<string, string[]>? Validate(NotifyRequest request, string key)
    {
        var errors = new Dictionary<string, string[]>();
        if (key.Length > NotificationLedger.MaxKeyLength)
        {
            errors[IdempotencyKeyHeader] = [$"At most {NotificationLedger.MaxKeyLength} characters."];
        }

        switch (request.Kind)
        {
            case NotifyKinds.Draft when request.Draft is null:
                errors["draft"] = ["A draft notification needs the draft summary."];
                break;
            case NotifyKinds.Corrections when request.UncertainFields is not { Count: > 0 }:
                errors["uncertainFields"] = ["A corrections notification needs at least one uncertain field."];
                break;
            case NotifyKinds.Message when string.IsNullOrWhiteSpace(request.Message):
                errors["message"] = ["A message notification needs the message text."];
                break;
            case NotifyKinds.Draft or NotifyKinds.Corrections or NotifyKinds.Message:
                break;
            default:
                errors["kind"] = [$"Kind must be {NotifyKinds.Draft}, {NotifyKinds.Corrections} or {NotifyKinds.Message}."];
                break;
        }

        if (request.Conversation is null && (string.IsNullOrWhiteSpace(request.UserId) || request.TenantId is null))
        {
            errors["conversation"] = ["Give the tenant and user ids the bot recorded (or the case's conversation reference, which names them)."];
        }

        return errors.Count == 0 ? null : errors;
    }
}
