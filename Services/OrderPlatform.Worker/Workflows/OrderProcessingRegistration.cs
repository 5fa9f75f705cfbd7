using OpenTelemetry.Trace;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Activities;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Notifications;
using Temporalio.Client;
using Temporalio.Extensions.Hosting;

namespace OrderPlatform.Worker.Workflows;

public static class OrderProcessingRegistration
{
    /// <summary>
    /// The order workflow and its activities on the hosted Temporal worker (<c>ConnectionStrings:temporal</c> as
    /// <c>host:port</c>, <c>Temporal:Namespace</c>, <c>Temporal:TaskQueue</c>), the case store, the catalog replica in
    /// <c>ordersdb</c> (through the data source <c>AddWorkerServices</c> registers), <c>ConnectionStrings:blobs</c> and
    /// the TeamsBot notification port.
    /// </summary>
    public static IHostApplicationBuilder AddOrderProcessing(this IHostApplicationBuilder builder)
    {
        var temporal = builder.Configuration.GetConnectionString("temporal") ?? throw new InvalidOperationException(
            "Connection string 'temporal' is missing. Run through the AppHost or set ConnectionStrings__temporal (host:port).");
        // Without ordersdb AddWorkerServices keeps mappings in memory, but the catalog replica has nowhere to live.
        _ = builder.Configuration.GetConnectionString("ordersdb") ?? throw new InvalidOperationException(
            "Connection string 'ordersdb' is missing. Run through the AppHost or set ConnectionStrings__ordersdb.");

        builder.Services.AddOptions<OrderWorkflowOptions>().BindConfiguration(OrderWorkflowOptions.Section)
            .Validate(o => o.OutageBudget > TimeSpan.Zero && o.RetryMaximumInterval > TimeSpan.Zero,
                "Orders:OutageBudget and Orders:RetryMaximumInterval must be positive.").ValidateOnStart();
        builder.AddCaseStore();
        builder.Services.AddSingleton<CatalogStore>();
        builder.Services.AddHostedService<CatalogSeeder>();
        builder.AddAzureBlobServiceClient("blobs");
        builder.Services.AddSingleton<OrderBlobs>();
        // Inside an activity the activity's retry policy is the one retry layer: the service defaults' standard handler
        // would resend each notification several times per attempt.
        builder.Services.AddHttpClient(TeamsBotNotificationPort.ClientName, http => http.BaseAddress = new Uri(TeamsBotNotificationPort.BaseAddress))
            .WithoutRetries();
        builder.Services.AddSingleton<INotificationPort, TeamsBotNotificationPort>();

        var limits = builder.Configuration.GetSection("Temporal").Get<WorkerLimits>() ?? new WorkerLimits();
        var temporalNamespace = builder.Configuration["Temporal:Namespace"] ?? OrderWorkflow.DefaultNamespace;
        // Lazy, for starting the catalog sync: the Worker starts while Temporal may still be coming up.
        builder.Services.AddSingleton<ITemporalClient>(_ => TemporalClient.CreateLazy(new TemporalClientConnectOptions(temporal) { Namespace = temporalNamespace }));
        builder.Services
            .AddHostedTemporalWorker(temporal, temporalNamespace, TaskQueue(builder.Configuration))
            .AddScopedActivities<CaseActivities>()
            .AddScopedActivities<FileActivities>()
            .AddScopedActivities<ReviewActivities>()
            .AddScopedActivities<CatalogActivities>()
            .AddScopedActivities<DraftActivities>()
            .AddScopedActivities<NotifyActivities>()
            .AddWorkflow<OrderProcessingWorkflow>()
            .AddCatalogSync()
            .ConfigureOptions(options =>
            {
                options.Interceptors = [.. options.Interceptors ?? [], new TemporalTracingInterceptor()];
                options.MaxConcurrentActivities = limits.MaxConcurrentActivities;
                options.GracefulShutdownTimeout = limits.GracefulShutdown;
            });
        // The host must wait at least as long as the worker lets running activities finish, or it cuts them off anyway.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = limits.GracefulShutdown + TimeSpan.FromSeconds(10));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(TemporalTracingInterceptor.Source.Name));
        return builder;
    }

    /// <summary>The task queue the Worker polls (<c>Temporal:TaskQueue</c>); the catalog sync is started on it too.</summary>
    public static string TaskQueue(IConfiguration configuration) => configuration["Temporal:TaskQueue"] ?? OrderWorkflow.DefaultTaskQueue;
}

/// <summary>
/// <c>Temporal:MaxConcurrentActivities</c> bounds what one Worker runs at once (each activity may hold a database
/// connection, a parsed sheet or a Zoho slot); <c>Temporal:GracefulShutdown</c> is how long a stopping Worker lets
/// running activities finish before they are cancelled and retried elsewhere.
/// </summary>
public sealed class WorkerLimits
{
    public int MaxConcurrentActivities { get; set; } = 20;

    public TimeSpan GracefulShutdown { get; set; } = TimeSpan.FromSeconds(30);
}
