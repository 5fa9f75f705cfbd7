using Microsoft.AspNetCore.Http.HttpResults;
using OrderPlatform.Contracts;

namespace OrderPlatform.TeamsBot.Notify;

public static class NotifyApi
{
    /// <summary>Proactive results for the Worker: <c>POST /api/notify/{caseId}</c> with <see cref="NotifyRequest"/>.</summary>
    public static RouteGroupBuilder MapNotifyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notify").WithTags("Notify").AddEndpointFilter<ApiKeyFilter>();
        api.MapPost("/{caseId}", NotifyAsync);
        return api;
    }

    public static async Task<Results<Ok<NotifyResult>, JsonHttpResult<NotifyResult>, NotFound, ValidationProblem, StatusCodeHttpResult>> NotifyAsync(
        string caseId, NotifyRequest request, NotificationSender sender, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await sender.SendAsync(caseId, request, cancellationToken);
        return outcome switch
        {
            { Result: { } result } when result.Outcome == NotifyOutcomes.Blocked =>
                TypedResults.Json(result, statusCode: StatusCodes.Status410Gone),
            { Result: { } result } => TypedResults.Ok(result),
            { NoConversation: true } => TypedResults.NotFound(),
            _ => TypedResults.StatusCode(StatusCodes.Status502BadGateway),
        };
    }

    private static Dictionary<string, string[]>? Validate(NotifyRequest request)
    {
        var errors = new Dictionary<string, string[]>();
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
            errors["conversation"] = ["Give the conversation reference, or the tenant and user ids the bot recorded."];
        }

        return errors.Count == 0 ? null : errors;
    }
}
