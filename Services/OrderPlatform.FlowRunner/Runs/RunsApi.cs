using Microsoft.AspNetCore.Http.HttpResults;

namespace OrderPlatform.FlowRunner.Runs;

/// <summary>Run history, a run's step log, cancel and rerun, under <c>/api/v1/runs</c> (API key, per-key limit).</summary>
public static class RunsApi
{
    public sealed record RunDetail(RunSummary Run, List<StepLog> Steps);

    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/runs").WithTags("Runs").RequireAuthorization().AddEndpointFilter<Auth.PerKeyRateLimit>();
        group.MapGet("/", List);
        group.MapGet("/{runId:guid}", Get);
        group.MapPost("/{runId:guid}/cancel", Cancel);
        group.MapRerun();
        return group;
    }

    private static async Task<Ok<List<RunSummary>>> List(Guid? flowId, int? limit, RunQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(flowId, null, Math.Clamp(limit ?? 50, 1, 500), ct));

    private static async Task<Results<Ok<RunDetail>, NotFound>> Get(Guid runId, RunQueries queries, CancellationToken ct) =>
        await queries.GetAsync(runId, ct) is { } run ? TypedResults.Ok(new RunDetail(run, await queries.StepsAsync(runId, ct))) : TypedResults.NotFound();

    /// <summary>Queued, paused or running → CANCELED; a running run is stopped by its worker at once (Pub/Sub) or at its next heartbeat.</summary>
    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Cancel(Guid runId, RunCommands commands, RunQueries queries, CancellationToken ct)
    {
        if (await commands.CancelAsync(runId, ct))
        {
            return TypedResults.NoContent();
        }

        return await queries.GetAsync(runId, ct) is { } run
            ? TypedResults.Problem(statusCode: 409, title: "Run already finished", detail: $"The run is {run.Status}; only queued, paused or running runs can be canceled.")
            : TypedResults.NotFound();
    }
}
