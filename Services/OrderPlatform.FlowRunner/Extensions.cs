using System.Text.Json.Serialization;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OrderPlatform.FlowRunner;
using OrderPlatform.FlowRunner.Auth;
using OrderPlatform.FlowRunner.Data;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Queue;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Steps;
using OrderPlatform.FlowRunner.Ui;
using OrderPlatform.FlowRunner.Webhooks;
using OrderPlatform.FlowRunner.Workers;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    /// <summary>
    /// The FlowRunner's dependencies from the AppHost's <c>ConnectionStrings__flowsdb</c>, <c>__redis</c> and <c>__blobs</c>, the
    /// migrator first (hosted services start in order, and before Kestrel listens), then workers and the reaper.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        Required(builder, "flowsdb");
        Required(builder, "redis");
        builder.AddNpgsqlDataSource("flowsdb");
        builder.AddRedisClient("redis");
        builder.AddAzureBlobServiceClient("blobs");

        var services = builder.Services;
        services.AddOptions<FlowRunnerOptions>().BindConfiguration(FlowRunnerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<FlowRunnerOptions>, OrderPlatform.FlowRunner.Connections.ConnectionsKeyValidator>();
        services.AddHostedService<Migrator>();
        services.AddHostedService<ProcessPriority>();
        services.AddSingleton<OrderPlatform.FlowRunner.Blobs.RunBlobs>();
        services.AddSingleton<OrderPlatform.FlowRunner.Connections.SecretProtector>();
        services.AddSingleton<OrderPlatform.FlowRunner.Connections.ConnectionStore>();
        services.AddSingleton<OrderPlatform.FlowRunner.Waitpoints.WaitpointStore>();
        services.AddSingleton<LockedDefinitions>();
        services.AddSingleton<FlowStore>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunQueries>();
        services.AddSingleton<RerunStore>();
        services.AddSingleton<RunCommands>();
        services.AddSingleton<RunQueue>();
        services.AddSingleton<RunSignals>();
        services.AddSingleton<HttpStepRunner>();
        services.AddSingleton<CodeRunner>();
        services.AddSingleton<StepEngine>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<WebhookIngress>();
        services.AddSingleton<SyncWaiter>();
        services.AddSingleton<PerKeyRateLimit>();
        services.AddHostedService<FlowWorker>();
        services.AddSingleton<OrderPlatform.FlowRunner.Schedules.Scheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<OrderPlatform.FlowRunner.Schedules.Scheduler>());
        services.AddSingleton<OrderPlatform.FlowRunner.Metrics.QueueMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<OrderPlatform.FlowRunner.Metrics.QueueMetrics>());
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(OrderPlatform.FlowRunner.Metrics.QueueMetrics.MeterName));
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(OrderPlatform.FlowRunner.Tracing.RunTracing.SourceName));
        services.AddSingleton<RunRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<RunRetention>());
        services.AddSingleton<Reaper>();
        services.AddHostedService(sp => sp.GetRequiredService<Reaper>());

        services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        services.AddRunsPage();
        services.AddAuthorization();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        services.AddOpenApi();
        return builder;
    }

    private static void Required(IHostApplicationBuilder builder, string name) =>
        _ = builder.Configuration.GetConnectionString(name)
            ?? throw new InvalidOperationException($"Connection string '{name}' is missing. Run through the AppHost or set ConnectionStrings__{name}.");
}
