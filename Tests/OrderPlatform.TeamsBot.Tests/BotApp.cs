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
using OrderPlatform.Tests;

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
    private readonly int? _publicPort;

    /// <param name="internalPort">
    /// A second listener, set as <c>InternalEndpoint:Port</c> (as the AppHost's internal endpoint is): /api/notify and the
    /// health endpoints answer there only. <see cref="BaseAddress"/> stays the public listener.
    /// </param>
    public BotApp(Dictionary<string, string?> settings, string environment = "Development", IConversationStore? store = null, int? internalPort = null)
    {
        _settings = internalPort is { } port ? new(settings) { ["InternalEndpoint:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) } : settings;
        _environment = environment;
        _store = store;
        // With two listeners the factory's base address could be either: the public one gets a known port of its own.
        _publicPort = internalPort is null ? null : FreePorts.Next();
        UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, _publicPort ?? 0);
            if (internalPort is { } p)
            {
                options.Listen(IPAddress.Loopback, p);
            }
        });
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

    public Uri BaseAddress => _publicPort is { } port ? new Uri($"http://127.0.0.1:{port}") : ClientOptions.BaseAddress;

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.BaseAddress = BaseAddress;
    }

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
