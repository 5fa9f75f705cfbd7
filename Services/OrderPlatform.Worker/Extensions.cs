using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Committee;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Zoho;

namespace OrderPlatform.Worker;

internal static class Extensions
{
    public static void AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ParserOptions>().BindConfiguration(ParserOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SpreadsheetParser>();

        builder.Services.AddOptions<CommitteeOptions>().BindConfiguration(CommitteeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Confirmed mappings must outlive the process wherever there is a database; in memory only for bare local runs.
        // This is the Worker's one ordersdb data source: the case store and the catalog replica use it too.
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("ordersdb")))
        {
            builder.AddNpgsqlDataSource("ordersdb");
            builder.Services.AddSingleton<IMappingHistory, PostgresMappingHistory>();
        }
        else
        {
            builder.Services.AddSingleton<IMappingHistory, InMemoryMappingHistory>();
        }

        builder.Services.AddSingleton<ICommitteeMember, HeaderSynonymMember>();
        builder.Services.AddSingleton<ICommitteeMember, ContentProfileMember>();
        builder.Services.AddSingleton<ICommitteeMember, HistoryMember>();
        if (LlmConnection.Parse(builder.Configuration.GetConnectionString("llm")) is { } llm)
        {
            builder.Services.AddSingleton(llm);
            // One retry layer (the activity's); without the standard handler its 10 s attempt timeout no longer cuts
            // Committee:LlmTimeout short, so HttpClient.Timeout is the bound.
            builder.Services.AddHttpClient<LlmMember>((services, http) =>
                http.Timeout = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CommitteeOptions>>().Value.LlmTimeout).WithoutRetries();
            builder.Services.AddTransient<ICommitteeMember>(sp => sp.GetRequiredService<LlmMember>());
        }

        // Transient so the typed LLM HttpClient is not captured for the life of the process.
        builder.Services.AddTransient<OrderCommittee>();

        builder.Services.AddZohoBooks();
        builder.Services.AddOptions<CatalogSyncOptions>().BindConfiguration(CatalogSyncOptions.Section)
            .Validate(o => o.SyncInterval > TimeSpan.Zero, "Catalog:SyncInterval must be positive.")
            .Validate(o => o.SyncsPerRun > 0, "Catalog:SyncsPerRun must be positive.").ValidateOnStart();
        builder.Services.AddSingleton<CatalogSync>();
        // Without Zoho credentials there is nothing to sync from; the seed catalog serves local runs instead.
        if (builder.Configuration.GetSection(ZohoOptions.Section).Get<ZohoOptions>()?.IsConfigured == true
            && builder.Configuration.GetSection(CatalogSyncOptions.Section).Get<CatalogSyncOptions>()?.Sync != false)
        {
            builder.Services.AddHostedService<CatalogSyncStarter>();
        }
    }
}

internal static class HttpClientBuilderRetries
{
    /// <summary>
    /// Drops the service defaults' standard resilience handler: for a client used inside a Temporal activity, whose
    /// retry policy is the one retry layer. The only way to remove it is still marked experimental (EXTEXP0001); it
    /// is confined here so a change to it touches one line.
    /// </summary>
    public static IHttpClientBuilder WithoutRetries(this IHttpClientBuilder builder)
    {
#pragma warning disable EXTEXP0001
        return builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }
}
