using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// The bot's <c>POST /api/notify/{caseId}</c> as its contract describes it (<see cref="NotifyRequest"/>, the notify
/// key in <c>X-Api-Key</c>, 200 when sent), recording what the Worker asked it to tell the user. The bot's own delivery
/// to Teams is the TeamsBot tests' subject; these tests need only what the Worker says.
/// </summary>
public sealed class BotNotifyStandIn : IAsyncDisposable
{
    public const string Key = "notify-key-do-not-log-0c41";

    private WebApplication _app = null!;

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<(string CaseId, NotifyRequest Request)> Received { get; } = new();

    public static async Task<BotNotifyStandIn> StartAsync()
    {
        var stand = new BotNotifyStandIn();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        stand._app = builder.Build();
        stand._app.MapPost("/api/notify/{caseId}", async (string caseId, HttpContext context) =>
        {
            if (context.Request.Headers["X-Api-Key"] != Key)
            {
                return Results.Unauthorized();
            }

            var request = await JsonSerializer.DeserializeAsync<NotifyRequest>(context.Request.Body, Cases.CaseJson.Options);
            stand.Received.Enqueue((caseId, request!));
            return Results.Ok(new { outcome = "sent" });
        });
        await stand._app.StartAsync(TestContext.Current.CancellationToken);
        stand.Address = new Uri(stand._app.Urls.First());
        return stand;
    }

    /// <summary>The Worker settings that point its notification port here.</summary>
    public void Configure(IDictionary<string, string?> settings)
    {
        settings["services:teamsbot:internal:0"] = Address.ToString();
        settings["Notifications:ApiKey"] = Key;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
