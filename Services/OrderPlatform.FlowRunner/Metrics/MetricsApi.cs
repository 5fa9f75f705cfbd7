namespace OrderPlatform.FlowRunner.Metrics;

public static class MetricsApi
{
    /// <summary><c>GET /api/v1/metrics</c>: the latest queue and flow counts (API key).</summary>
    public static RouteHandlerBuilder MapMetricsApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/metrics", async (QueueMetrics metrics, CancellationToken ct) => TypedResults.Ok(await metrics.CurrentAsync(ct)))
            .WithTags("Metrics").RequireAuthorization().AddEndpointFilter<Auth.PerKeyRateLimit>();
}
