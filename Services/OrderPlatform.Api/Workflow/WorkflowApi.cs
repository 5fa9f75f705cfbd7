using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrderPlatform.Api.Auth;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace OrderPlatform.Api.Workflow;

/// <summary>The case document with, while the workflow runs, what its <c>Status</c> query answers right now.</summary>
public sealed record CaseStatusResponse(string CaseId, CaseStatus Status, string? Step, OrderWorkflowStatus? Live, CaseDocument Case);

public sealed record CancelRequest(string? UserId, string? Reason);

public static class WorkflowApi
{
    private static readonly string[] Known = [SignalNames.Corrections, SignalNames.Approve, SignalNames.Cancel];

    public static RouteGroupBuilder MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/workflow/{id}").WithTags("Workflow").RequireAuthorization(ApiScopes.Orders).RequireRateLimiting(ApiExtensions.PerKeyPolicy);
        api.MapGet("/status", GetStatusAsync).WithSummary("Case document and live workflow status");
        // Every signal lands in the case's history, which Temporal caps: a body is bounded before it is read.
        api.MapPost("/signal", SignalAsync).WithSummary("Send corrections, approve or cancel to the waiting workflow")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(SignalLimits.MaxBodyBytes));
        api.MapPost("/cancel", CancelAsync).WithSummary("Cancel the case at its next step");
        return api;
    }

    public static async Task<Results<Ok<CaseStatusResponse>, ProblemHttpResult>> GetStatusAsync(string id, ClaimsPrincipal user, ICaseStore cases,
        ITemporalClient temporal, ILogger<CaseStatusResponse> logger, CancellationToken ct)
    {
        var document = await cases.FindForAsync(user, id, ct);
        if (document is null)
        {
            return NotFound(id);
        }

        OrderWorkflowStatus? live = null;
        if (!CaseTransitions.IsClosed(document.Status))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                live = await temporal.GetWorkflowHandle(id).QueryAsync<OrderWorkflowStatus>(OrderWorkflow.StatusQuery, [],
                    new WorkflowQueryOptions { Rpc = new RpcOptions { CancellationToken = timeout.Token } });
            }
            catch (Exception ex) when (ex is RpcException or WorkflowQueryFailedException or OperationCanceledException or InvalidOperationException)
            {
                // The stored document is still a true answer; the live view is a bonus while the worker is busy.
                logger.LogInformation("Live status of {CaseId} unavailable: {Error}", id, ex.GetType().Name);
            }
        }

        // The workflow answers only how many questions are open (its history must not grow with the sheet); the list is
        // the one await-corrections wrote onto the case. While a new round is being written the two can differ for a
        // moment, and the count with an empty list is then the honest answer.
        if (live is { QuestionCount: > 0, Questions.Count: 0 } && document.Questions?.Count == live.QuestionCount)
        {
            live = live with { Questions = document.Questions };
        }

        return TypedResults.Ok(new CaseStatusResponse(document.Id, document.Status, document.Step, live, document));
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> SignalAsync(string id, SignalRequest request, ClaimsPrincipal user,
        ICaseStore cases, ITemporalClient temporal, IOptions<ApiOptions> options, CancellationToken ct)
    {
        if (!Known.Contains(request.Signal))
        {
            return TypedResults.Problem($"Unknown signal \"{request.Signal}\"; use {string.Join(", ", Known)}.",
                statusCode: StatusCodes.Status400BadRequest, title: "Unknown signal");
        }

        if (request.Signal == SignalNames.Corrections && request.Corrections is null)
        {
            return TypedResults.Problem("The corrections signal needs a corrections payload.", statusCode: StatusCodes.Status400BadRequest,
                title: "Missing corrections");
        }

        if (SignalLimits.Check(request) is { } tooMuch)
        {
            return TypedResults.Problem(tooMuch, statusCode: StatusCodes.Status400BadRequest, title: "Signal too large");
        }

        return await SendAsync(id, request, user, cases, temporal, options.Value.MaxSignalsPerCase, ct);
    }

    public static Task<Results<Accepted, ProblemHttpResult>> CancelAsync(string id, CancelRequest? request, ClaimsPrincipal user,
        ICaseStore cases, ITemporalClient temporal, IOptions<ApiOptions> options, CancellationToken ct)
    {
        var signal = new SignalRequest(SignalNames.Cancel, request?.UserId, Reason: request?.Reason);
        return SignalLimits.Check(signal) is { } tooMuch
            ? Task.FromResult<Results<Accepted, ProblemHttpResult>>(
                TypedResults.Problem(tooMuch, statusCode: StatusCodes.Status400BadRequest, title: "Signal too large"))
            : SendAsync(id, signal, user, cases, temporal, options.Value.MaxSignalsPerCase, ct);
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> SendAsync(string id, SignalRequest request, ClaimsPrincipal user,
        ICaseStore cases, ITemporalClient temporal, int maxSignals, CancellationToken ct)
    {
        var document = await cases.FindForAsync(user, id, ct);
        if (document is null)
        {
            return NotFound(id);
        }

        if (CaseTransitions.IsClosed(document.Status))
        {
            return Closed(id, document.Status);
        }

        // Counted before it is sent, atomically with any concurrent signal (the store's version check), so the cap holds
        // however many callers race for the last slot.
        try
        {
            await cases.UpdateAsync(id, c => c.SignalCount < maxSignals ? c with { SignalCount = c.SignalCount + 1 } : throw new SignalLimitReached(),
                new CaseEventDraft(request.UserId ?? user.Identity?.Name ?? "api", "signal", $"{request.Signal} signal received"), ct);
        }
        catch (SignalLimitReached)
        {
            return TypedResults.Problem($"Case {id} has taken its {maxSignals} signals; it takes no more.",
                statusCode: StatusCodes.Status409Conflict, title: "Signal limit reached");
        }

        try
        {
            await temporal.GetWorkflowHandle(id).SignalAsync(request.Signal, [request], new WorkflowSignalOptions { Rpc = new RpcOptions { CancellationToken = ct } });
        }
        catch (RpcException ex) when (ex.Code == RpcException.StatusCode.NotFound)
        {
            return Closed(id, document.Status);
        }

        return TypedResults.Accepted(OrdersStatusUrl(id));
    }

    private static string OrdersStatusUrl(string id) => Orders.OrderIntake.StatusUrl(id);

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No case {id}.", statusCode: StatusCodes.Status404NotFound, title: "Case not found");

    private sealed class SignalLimitReached : Exception;

    private static ProblemHttpResult Closed(string id, CaseStatus status) =>
        TypedResults.Problem($"Case {id} is {status} and no longer takes signals.", statusCode: StatusCodes.Status409Conflict, title: "Case closed");
}
