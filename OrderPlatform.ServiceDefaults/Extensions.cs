using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Cross-cutting defaults every OrderPlatform service starts with: OpenTelemetry, health endpoints, service discovery
/// and resilience. Mirrors the Aspire <c>ServiceDefaults</c> template so services move to real Aspire unchanged.
/// </summary>
public static class ServiceDefaultsExtensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Adds telemetry, default health checks, service discovery and resilient HttpClients.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Logs, metrics and traces; exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new NoRootClientSpansSampler()))
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                    && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // The exporter's default 10 s timeout, with Aspire's in-memory retry, holds each of the three providers for
            // 5 s at shutdown when the collector has gone first (the dashboard stops with the app): 15 s per service
            // after Ctrl+C. A local collector answers in milliseconds; a batch it cannot take within a second is dropped.
            builder.Configuration["OTEL_EXPORTER_OTLP_TIMEOUT"] ??= "1000";
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
            // Registered before the services' own hosted services, so stopped after them: their stop logs are sent.
            builder.Services.AddHostedService<TelemetryShutdown>();
        }

        return builder;
    }

    /// <summary>A <c>self</c> check tagged <c>live</c> so <c>/alive</c> answers without touching dependencies.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check, with a JSON body naming each) and <c>/alive</c> (live checks only).
    /// Unlike the template these are mapped in every environment: the orchestrator and container platforms probe
    /// them, and they expose no secrets, only check names, statuses and durations. With an internal port configured
    /// (<see cref="InternalPort"/>) they answer there only, so the probes never face the internet.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseInternalPortCheck();
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync })
            .AllowAnonymous().RequireInternalPort();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") })
            .AllowAnonymous().RequireInternalPort();
        return app;
    }
}
