using Microsoft.AspNetCore.Http.HttpResults;

namespace OrderPlatform.FlowRunner.Runs;

/// <summary><c>POST /api/v1/runs/{id}/rerun</c> with <c>{ "strategy": "FROM_FAILED_STEP" | "ON_LATEST_VERSION" }</c>.</summary>
public static class RerunApi
{
    public sealed record RerunRequest(string? Strategy);

    public sealed record RerunCreated(Guid RunId, Guid RerunOf, string Strategy, Guid FlowVersionId);

    public static RouteHandlerBuilder MapRerun(this RouteGroupBuilder runs) => runs.MapPost("/{runId:guid}/rerun", Rerun);

    private static async Task<Results<Created<RerunCreated>, NotFound, ProblemHttpResult>> Rerun(
        Guid runId, RerunRequest? request, RunCommands commands, CancellationToken ct)
    {
        if (request?.Strategy is not { } strategy || !RerunStrategy.All.Contains(strategy))
        {
            return TypedResults.Problem(statusCode: 400, title: "Unknown strategy",
                detail: $"Send {{ \"strategy\": \"{RerunStrategy.FromFailedStep}\" }} or {{ \"strategy\": \"{RerunStrategy.OnLatestVersion}\" }}.");
        }

        var outcome = await commands.RerunAsync(runId, strategy, ct);
        return outcome.Result switch
        {
            RerunResult.Created => TypedResults.Created($"/api/v1/runs/{outcome.RunId}", new RerunCreated(outcome.RunId!.Value, runId, strategy, outcome.VersionId!.Value)),
            RerunResult.NotFound => TypedResults.NotFound(),
            RerunResult.NotRerunnable => Conflict("Run not rerunnable", $"The run is {outcome.Status}; only failed, timed-out or canceled runs can be rerun."),
            RerunResult.NotPublished => Conflict("Nothing published", "The flow has no published version to rerun on; publish it or rerun from the failed step."),
            _ => Conflict("Already rerun", $"The run was rerun as {outcome.RunId}; rerun that run to try again.", outcome.RunId),
        };
    }

    private static ProblemHttpResult Conflict(string title, string detail, Guid? rerunId = null) => TypedResults.Problem(
        statusCode: 409, title: title, detail: detail,
        extensions: rerunId is null ? null : new Dictionary<string, object?> { ["rerunId"] = rerunId });
}
