using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderPlatform.Cases;
using OrderPlatform.Tests;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Workflows;

namespace OrderPlatform.Orders.Tests;

public static class TestKeys
{
    public const string Api = "test-api-key-do-not-log-3b9e";
    public const string Other = "second-api-key-do-not-log-77aa";

    /// <summary>A partner's key, bound to <see cref="TenantA"/> only and without the bot's scope.</summary>
    public const string PartnerA = "partner-a-key-do-not-log-51c0";
    public const string TenantA = "tenant-a-of-partner";

    /// <summary>The Api's clients as the AppHost configures the bot's, plus a second all-tenant key and the partner's.</summary>
    public static void Configure(IDictionary<string, string?> settings)
    {
        settings["Api:Clients:teamsbot:Keys:0"] = Api;
        settings["Api:Clients:teamsbot:Scopes:0"] = "orders";
        settings["Api:Clients:teamsbot:Scopes:1"] = "bot";
        settings["Api:Clients:teamsbot:Tenants:0"] = "*";
        settings["Api:Clients:operator:Keys:0"] = Other;
        settings["Api:Clients:operator:Scopes:0"] = "orders";
        settings["Api:Clients:operator:Tenants:0"] = "*";
        settings["Api:Clients:partner-a:Keys:0"] = PartnerA;
        settings["Api:Clients:partner-a:Scopes:0"] = "orders";
        settings["Api:Clients:partner-a:Tenants:0"] = TenantA;
    }
}

/// <summary>
/// The real Api on Kestrel (a loopback port), configured the way the AppHost configures it. The entry point is named by
/// a public Api type because TemporalDev also declares a public <c>Program</c>.
/// </summary>
public sealed class ApiHost(Infrastructure infrastructure, string taskQueue, IDictionary<string, string?>? extra = null)
    : LoopbackFactory<OrderPlatform.Api.Auth.ApiOptions>
{
    public HttpClient CreateAuthorizedClient(string key = TestKeys.Api)
    {
        var client = CreateHttpClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>A client over real HTTP to the Api listening on a loopback port.</summary>
    public HttpClient CreateHttpClient()
    {
        EnsureListening();
        return CreateClient();
    }

    public LogSink Logs { get; } = new();

    public ICaseStore Cases
    {
        get
        {
            EnsureListening();
            return Services.GetRequiredService<ICaseStore>();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = infrastructure.ServiceSettings(taskQueue);
        TestKeys.Configure(settings);
        // The budget is counted in the shared Redis per key, and every test uses the same keys: without a high limit
        // here the suite's own polling would make unrelated tests refuse each other.
        settings["Api:PermitsPerMinute"] = "100000";
        // The suite shares one case store and many tests leave cases in Received on purpose; only the reconciler's own
        // test, on a database of its own, turns it on.
        settings["Api:Reconcile:Enabled"] = "false";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(Logs));
    }
}

/// <summary>
/// The real Worker (its own Program: parser, committee, Zoho client, hosted Temporal worker) on a task queue of its
/// own, with the Zoho fake as Zoho Books and the test catalog instead of the seed.
/// </summary>
public sealed class WorkerHost(Infrastructure infrastructure, string taskQueue, FakeZoho? zoho, IDictionary<string, string?>? extra = null)
    : WebApplicationFactory<OrderProcessingWorkflow>
{
    public LogSink Logs { get; } = new();

    public ICaseStore Cases => Services.GetRequiredService<ICaseStore>();

    public CatalogStore Catalog => Services.GetRequiredService<CatalogStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = infrastructure.ServiceSettings(taskQueue);
        settings["Catalog:Seed"] = "false";
        // The tests share one replica and load their own catalog into it; a sync would replace it with the fake's.
        settings["Catalog:Sync"] = "false";
        settings["Orders:ZohoRetryInterval"] = "00:00:00.500";
        if (zoho is not null)
        {
            settings["Zoho:ClientId"] = FakeZoho.ClientId;
            settings["Zoho:ClientSecret"] = FakeZoho.ClientSecret;
            settings["Zoho:RefreshToken"] = FakeZoho.RefreshToken;
            settings["Zoho:OrganizationId"] = FakeZoho.Organization;
            settings["Zoho:AccountsUrl"] = zoho.Address.ToString();
            settings["Zoho:RequestTimeout"] = "00:00:01";
            settings["Zoho:UnknownOutcomeSettleDelay"] = "00:00:00.200";
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(Logs));
    }

    /// <summary>Starts the host (and so the Temporal worker) and loads the test catalog.</summary>
    public async Task StartAsync()
    {
        _ = Services;
        await Catalog.InitializeAsync(TestContext.Current.CancellationToken);
        await Catalog.UpsertAsync(TestCatalog.Customers, TestCatalog.Items, TestContext.Current.CancellationToken);
    }
}

/// <summary>What the workflow tests resolve against; ids look like Zoho's.</summary>
public static class TestCatalog
{
    public const string Customer = "460000000026049";
    public const string Screw = "460000000027009";
    public const string Nut = "460000000027011";
    public const string Cable = "460000000027012";
    public const string LongScrew = "460000000027010";

    public static readonly CatalogCustomer[] Customers =
    [
        new(Customer, "10234", "Müller Maschinenbau GmbH", "einkauf@mueller.example", ["Müller"]),
        new("460000000026050", "10235", "Atelier Dupont SARL", "commandes@dupont.example", ["Dupont"]),
    ];

    public static readonly CatalogItem[] Items =
    [
        new(Screw, "4711-0032", "4006381333931", "Schraube M6x20 verzinkt, DIN 933", "Stk", 0.12m, []),
        new(Nut, "AB 100", "0036000291452", "Mutter M6 DIN 934", "Stk", 0.05m, []),
        new(Cable, "KAB-3X1.5", null, "Kabel NYM-J 3x1,5 mm²", "m", 0.89m, []),
        new(LongScrew, "4711-0045", "4006381333948", "Schraube M8x30 verzinkt, DIN 933", "Stk", 0.21m, []),
    ];
}
