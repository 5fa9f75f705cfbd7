using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OrderPlatform.TeamsBot.Auth;

namespace OrderPlatform.TeamsBot.Activities;

public static class MessagesApi
{
    /// <summary>The Bot Connector's messaging endpoint (set it in the Azure Bot resource as https://host/api/messages).</summary>
    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/messages").WithTags("Bot Connector");
        api.MapPost("/", HandleAsync);
        return api;
    }

    /// <summary>
    /// Token first (so an unauthenticated caller learns nothing, not even whether its JSON parses), then the body,
    /// then the checks that need the activity. Every refusal is a bare 401.
    /// </summary>
    public static async Task<Results<Ok, UnauthorizedHttpResult, BadRequest, StatusCodeHttpResult, JsonHttpResult<InvokeResponse>>> HandleAsync(
        HttpContext context, BotAuthenticator authenticator, ActivityRouter router, CancellationToken cancellationToken)
    {
        var (caller, _) = await authenticator.AuthenticateAsync(context);
        if (caller is null)
        {
            return TypedResults.Unauthorized();
        }

        Activity? activity;
        try
        {
            activity = await JsonSerializer.DeserializeAsync<Activity>(context.Request.Body, BotJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest();
        }

        if (activity is null)
        {
            return TypedResults.BadRequest();
        }

        if (await authenticator.CheckActivityAsync(caller, activity, cancellationToken) is not null)
        {
            return TypedResults.Unauthorized();
        }

        return await router.RouteAsync(activity, cancellationToken);
    }
}
