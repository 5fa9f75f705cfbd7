using Microsoft.Extensions.Options;
using OrderPlatform.TeamsBot;
using OrderPlatform.TeamsBot.Activities;
using OrderPlatform.TeamsBot.Auth;
using OrderPlatform.TeamsBot.Connector;
using OrderPlatform.TeamsBot.Conversations;
using OrderPlatform.TeamsBot.Data;
using OrderPlatform.TeamsBot.Files;
using OrderPlatform.TeamsBot.Notify;
using OrderPlatform.TeamsBot.Orders;

namespace Microsoft.Extensions.Hosting;

internal static partial class Extensions
{
    /// <summary>
    /// Registers the bot: options (validated at start), inbound auth, the connector, file intake, the Api client
    /// (<c>https+http://api</c> through service discovery) and the conversation store in <c>ordersdb</c>.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BotOptions>().BindConfiguration(BotOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BotOptions>, BotOptionsValidator>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NotifyOptions>().BindConfiguration(NotifyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotifyOptions>, NotifyOptionsValidator>();

        // Aspire's client reports a missing connection string only when first resolved; fail at start instead.
        _ = builder.Configuration.GetConnectionString("ordersdb")
            ?? throw new InvalidOperationException(
                "Connection string 'ordersdb' is missing. Run through the AppHost or set ConnectionStrings__ordersdb.");
        // Its PostgreSql health check keeps the bot unready while it cannot remember where to send results.
        builder.AddNpgsqlDataSource("ordersdb");
        services.AddSingleton<BotSchema>();
        services.AddSingleton<IConversationStore, PostgresConversationStore>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BotMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(BotMetrics.MeterName));
        services.AddSingleton<BotMetadata>();
        services.AddSingleton<BotAuthenticator>();
        services.AddSingleton<BotTokenProvider>();
        services.AddHttpClient(BotMetadata.HttpClientName);
        services.AddHttpClient(BotTokenProvider.HttpClientName);

        // Both own a plain HttpClient rather than a factory one: the service defaults put a resilience handler on
        // every factory client, and the connector needs its own single retry layer (spec §5) while downloads must
        // neither be retried nor redirected.
        services.AddSingleton<ConnectorClient>();
        services.AddSingleton<OrderFileDownloader>();

        services.AddHttpClient<OrdersClient>((provider, http) =>
        {
            http.BaseAddress = new Uri("https+http://api");
            http.DefaultRequestHeaders.Add(OrdersClient.ApiKeyHeader, provider.GetRequiredService<IOptions<ApiOptions>>().Value.Key);
        });

        services.AddOptions<ActivityQueueOptions>().BindConfiguration(ActivityQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ActivityStore>();
        services.AddSingleton<ActivityWakeUp>();
        services.AddSingleton<TryAgainReplies>();
        services.AddHostedService<ActivityWorker>();
        services.AddScoped<ActivityRouter>();
        services.AddScoped<CardActionHandler>();
        services.AddScoped<MessageHandler>();
        services.AddScoped<NotificationSender>();
        services.AddSingleton<NotificationLedger>();
        services.AddSingleton<NotifyKey>();

        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{BotOptions.Section}:{nameof(BotOptions.AppId)}"]))
        {
            services.AddHostedService<AnonymousModeWarning>();
        }

        return builder;
    }
}

/// <summary>Says loudly, at every start, that inbound authentication is off (Development only; see BotOptionsValidator).</summary>
internal sealed partial class AnonymousModeWarning(ILogger<AnonymousModeWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogAnonymous(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "!!! Bot:AppId is not set: INBOUND AUTHENTICATION IS OFF. Only loopback callers with a loopback serviceUrl are " +
        "accepted and no outbound token is sent. This mode exists for the Agents Playground in Development only. !!!")]
    private static partial void LogAnonymous(ILogger logger);
}
