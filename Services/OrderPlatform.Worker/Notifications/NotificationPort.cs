using System.Net;
using OrderPlatform.Contracts;

namespace OrderPlatform.Worker.Notifications;

/// <summary>How a notification ended: sent, skipped (nobody to tell), blocked (the user removed the bot: do not retry).</summary>
public enum NotifyOutcome
{
    Sent,
    Skipped,
    Blocked,
    NoChat,
}

public interface INotificationPort
{
    /// <param name="caseId">The case the notification is about.</param>
    /// <param name="request">What to send.</param>
    /// <param name="idempotencyKey">The same for every attempt at one notification, different for the next one.</param>
    /// <param name="cancellationToken">The activity's.</param>
    Task<NotifyOutcome> NotifyAsync(string caseId, NotifyRequest request, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>
/// The bot's <c>POST /api/notify/{caseId}</c> on its internal endpoint (<see cref="BaseAddress"/>) with the notify key.
/// Without a Teams reference on the case or without a bot in the graph it only logs, so local runs and tests need no bot.
/// A 502, a 409 (the same notification still being sent) or a network failure throws so the activity retries; 410 and
/// 404 are final answers. Every attempt carries the activity's idempotency key, so the bot sends it once.
/// </summary>
public sealed class TeamsBotNotificationPort(IHttpClientFactory clients, IConfiguration configuration, ILogger<TeamsBotNotificationPort> logger)
    : INotificationPort
{
    public const string ClientName = "teamsbot";

    /// <summary>
    /// The bot's endpoint named <c>internal</c> through service discovery (<c>services:teamsbot:internal:0</c>): the
    /// bot refuses /api/notify on its public port, which is the only one the internet reaches.
    /// </summary>
    public const string BaseAddress = "http://_internal.teamsbot";

    public async Task<NotifyOutcome> NotifyAsync(string caseId, NotifyRequest request, string idempotencyKey, CancellationToken cancellationToken)
    {
        var apiKey = configuration["Notifications:ApiKey"];
        var hasBot = configuration.GetSection("services:teamsbot:internal").Exists() && !string.IsNullOrEmpty(apiKey);
        if (request.Conversation is null || !hasBot)
        {
            logger.LogInformation("Case {CaseId}: {Kind} notification not sent ({Reason})", caseId, request.Kind,
                request.Conversation is null ? "no Teams reference" : "no bot configured");
            return NotifyOutcome.Skipped;
        }

        var http = clients.CreateClient(ClientName);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/notify/{Uri.EscapeDataString(caseId)}")
        {
            Content = JsonContent.Create(request, options: Cases.CaseJson.Options),
        };
        message.Headers.Add("X-Api-Key", apiKey);
        // A retry of the activity after a lost response must not post the message into the chat a second time.
        message.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Gone:
                return NotifyOutcome.Blocked;
            case HttpStatusCode.NotFound:
                return NotifyOutcome.NoChat;
            case HttpStatusCode.BadRequest:
                // Sending it again cannot help; without the typed error the activity would retry it for the outage budget.
                throw Activities.ActivityErrors.Permanent(Activities.ActivityErrors.NotifyRejected,
                    $"The bot refused the {request.Kind} notification for case {caseId} as invalid.");
            default:
                response.EnsureSuccessStatusCode();
                return NotifyOutcome.Sent;
        }
    }
}
