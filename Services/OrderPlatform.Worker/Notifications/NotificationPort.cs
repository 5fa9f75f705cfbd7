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
    Task<NotifyOutcome> NotifyAsync(string caseId, NotifyRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// The bot's <c>POST /api/notify/{caseId}</c> through service discovery (<c>https+http://teamsbot</c>) with the Api key.
/// Without a Teams reference on the case or without a bot in the graph it only logs, so local runs and tests need no bot.
/// A 502 or a network failure throws so the activity retries; 410 and 404 are final answers.
/// </summary>
public sealed class TeamsBotNotificationPort(IHttpClientFactory clients, IConfiguration configuration, ILogger<TeamsBotNotificationPort> logger)
    : INotificationPort
{
    public const string ClientName = "teamsbot";

    public async Task<NotifyOutcome> NotifyAsync(string caseId, NotifyRequest request, CancellationToken cancellationToken)
    {
        var apiKey = configuration["Notifications:ApiKey"];
        var hasBot = configuration.GetSection("services:teamsbot").Exists() && !string.IsNullOrEmpty(apiKey);
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
