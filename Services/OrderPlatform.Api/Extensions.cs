using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Trace;
using OrderPlatform.Api;
using OrderPlatform.Api.Health;
using OrderPlatform.Api.Orders;
using OrderPlatform.Cases;
using Temporalio.Client;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    /// <summary>
    /// Registers the Api's dependencies from the connection strings the AppHost injects
    /// (<c>ConnectionStrings__ordersdb</c>, <c>__redis</c>, <c>__blobs</c>, <c>__queues</c>, <c>__temporal</c> as
    /// <c>host:port</c>, optional <c>__cosmos</c> for the case store), each with its health check: Aspire's client
    /// integrations name theirs <c>PostgreSql</c> and <c>StackExchange.Redis</c>, the storage ones and Temporal's are
    /// named by the connection. A missing connection string fails at start with its name, not at first use.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Aspire's Npgsql and Redis clients would report a missing connection string only when first resolved.
        Required(builder, "ordersdb");
        Required(builder, "redis");
        var temporal = Required(builder, "temporal");

        builder.AddNpgsqlDataSource("ordersdb");
        builder.AddRedisClient("redis");
        builder.AddAzureBlobServiceClient("blobs");
        builder.AddAzureQueueServiceClient("queues");
        builder.AddCaseStore();

        // Lazy: the Api starts (and reports Temporal unhealthy) while Temporal is still coming up.
        builder.Services.AddOptions<TemporalOptions>().BindConfiguration(TemporalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ITemporalClient>(_ => TemporalClient.CreateLazy(new TemporalClientConnectOptions(temporal)
        {
            Namespace = builder.Configuration[$"{TemporalOptions.Section}:Namespace"] ?? OrderPlatform.Contracts.OrderWorkflow.DefaultNamespace,
            Interceptors = [new OrderPlatform.Api.Workflow.TemporalTracingInterceptor()],
        }));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(OrderPlatform.Api.Workflow.TemporalTracingInterceptor.Source.Name));
        builder.Services.AddScoped<OrderIntake>();
        builder.Services.AddOptions<ReconcileOptions>().BindConfiguration(ReconcileOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero && o.After >= TimeSpan.Zero, "Api:Reconcile:Interval must be positive and After not negative.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ReceivedCaseReconciler>();
        builder.AddApiSurface();

        builder.Services.AddHealthChecks().AddCheck<TemporalHealthCheck>("temporal", tags: ["ready"]);
        return builder;
    }

    private static string Required(IHostApplicationBuilder builder, string name) =>
        builder.Configuration.GetConnectionString(name)
        ?? throw new InvalidOperationException(
            $"Connection string '{name}' is missing. Run through the AppHost or set ConnectionStrings__{name}.");
}
