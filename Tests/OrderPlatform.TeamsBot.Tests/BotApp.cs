using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderPlatform.TeamsBot.Auth;
using OrderPlatform.TeamsBot.Conversations;
using OrderPlatform.TeamsBot.Tests.Fakes;

namespace OrderPlatform.TeamsBot.Tests;

/// <summary>The real bot on Kestrel (127.0.0.1, free port), wired to the fakes through its ordinary configuration keys.</summary>
public sealed class BotApp : WebApplicationFactory<Program>
{
    public const string AppId = "00000000-0000-0000-0000-00000000b07a";
    public const string AppPassword = "test-app-password";
    public const string TenantId = "11111111-2222-3333-4444-555555555555";
    public const string ApiKey = "test-api-key";
    public const string NotifyKey = "test-notify-key-not-the-api-key";

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly IConversationStore? _store;

    public BotApp(Dictionary<string, string?> settings, string environment = "Development", IConversationStore? store = null)
    {
        _settings = settings;
        _environment = environment;
        _store = store;
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Settings pointing the bot at the fakes, as the AppHost would point it at the real services.</summary>
    public static Dictionary<string, string?> Settings(FakeBotConnector connector, FakeOrdersApi api, string ordersDb) => new()
    {
        ["Bot:AppId"] = AppId,
        ["Bot:AppPassword"] = AppPassword,
        ["Bot:TenantId"] = TenantId,
        ["Bot:OpenIdMetadataUrl"] = connector.OpenIdUrl,
        ["Bot:EntraOpenIdMetadataUrl"] = connector.EntraOpenIdUrl,
        ["Bot:TokenEndpoint"] = connector.TokenUrl,
        ["Bot:RetryBaseDelay"] = "00:00:00.010",
        ["Bot:MaxFileBytes"] = "65536",
        ["Api:Key"] = ApiKey,
        ["Notify:Key"] = NotifyKey,
        ["services:api:http:0"] = api.BaseUrl,
        // The activity queue is always the real one; some tests swap in an in-memory conversation store.
        ["ConnectionStrings:ordersdb"] = ordersDb,
        ["Bot:Activities:PollInterval"] = "00:00:00.200",
    };

    public Uri BaseAddress => ClientOptions.BaseAddress;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment(_environment);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (_store is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(_store));
        }
    }

    public async Task<HttpResponseMessage> PostActivityAsync(JsonNode activity, string? token)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Counts this host's auth-failure measurements by reason (the meter factory scopes them per host).</summary>
    public MeterListener ListenToAuthFailures(Dictionary<string, long> counts)
    {
        var meterFactory = Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == BotMetrics.AuthFailuresName && instrument.Meter.Scope == meterFactory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = tags.ToArray().FirstOrDefault(t => t.Key == "reason").Value?.ToString() ?? "";
            lock (counts)
            {
                counts[reason] = counts.GetValueOrDefault(reason) + value;
            }
        });
        listener.Start();
        return listener;
    }
}
