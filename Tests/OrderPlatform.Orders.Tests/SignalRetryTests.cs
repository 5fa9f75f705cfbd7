using System.Net;
using System.Net.Http.Json;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>Resent and late signals answer one round only.</summary>
public sealed class SignalRetryTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static readonly decimal[] Quantities = [.. Workbooks.KnownLines.Select(l => l.Quantity)];

    [Fact]
    public async Task AResentAnswerAndALateApproveDoNotAnswerTheNextRound()
    {
        var handle = await fixture.StartCaseAsync(ColumnCorrectionTests.StockBeforeQuantity("PO-DUP"), tenantId: $"tenant-{Guid.NewGuid():N}");
        await fixture.WaitForStatusAsync(handle, CaseStatus.AwaitingCorrections);

        // Round one is answered with a column that does not exist, so the workflow asks again. The same answer resent
        // (same request id) and an approve sent for round one arrive before round two's card.
        var answer = new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string> { ["quantity"] = "Lieferdatum" }), RequestId: "teams-activity-1");
        await handle.SignalAsync(SignalNames.Corrections, [answer]);
        await handle.SignalAsync(SignalNames.Corrections, [answer]);
        await handle.SignalAsync(SignalNames.Approve, [new SignalRequest(SignalNames.Approve, "anna", RequestId: "teams-activity-2")]);

        await Infrastructure.EventuallyAsync(async () =>
            (await fixture.CaseAsync(handle.Id)).Questions?.Any(q => q.Reason?.Contains("Lieferdatum", StringComparison.Ordinal) == true) == true,
            () => $"{handle.Id} to ask about the column again{Environment.NewLine}{fixture.Worker.Logs.Text}");
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        Assert.Equal(CaseStatus.AwaitingCorrections, (await fixture.CaseAsync(handle.Id)).Status);
        Assert.Empty(fixture.Zoho.OrdersFor(handle.Id));

        await handle.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string> { ["quantity"] = "D" }), RequestId: "teams-activity-3")]);
        Assert.Equal(CaseStatus.Completed, (await fixture.ResultAsync(handle)).Status);
        var draft = Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
        Assert.Equal(Quantities, draft["line_items"]!.AsArray().Select(l => l!["quantity"]!.GetValue<decimal>()));
    }
}

public sealed class SignalLimitsTests(ApiFixture fixture, Infrastructure infrastructure) : IClassFixture<ApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASignalPastItsBoundsIsRefusedBeforeItReachesTheWorkflow()
    {
        var http = fixture.Api.CreateAuthorizedClient();
        var accepted = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http,
            Workbooks.Order("10234", "PO-B", Workbooks.KnownLines), "order.xlsx", $"tenant-{Guid.NewGuid():N}"));
        var url = $"/api/workflow/{accepted.CaseId}/signal";

        var manyFields = Enumerable.Range(0, 500).ToDictionary(i => $"field{i}", i => "x");
        using var tooMany = await http.PostAsJsonAsync(url, new SignalRequest(SignalNames.Corrections, "u", new CorrectionsPayload(manyFields)),
            CaseJson.Options, Ct);
        using var tooLong = await http.PostAsJsonAsync(url, new SignalRequest(SignalNames.Cancel, "u", Reason: new string('x', 5_000)), CaseJson.Options, Ct);
        // A Content-Length and Expect: 100-continue, as a careful client sends a large body: the Api refuses it from the
        // length before the body is sent. Streamed without both, the client was sometimes still writing when the refused
        // connection closed (a broken pipe instead of the 413).
        using var tooBigRequest = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(
                new SignalRequest(SignalNames.Cancel, "u", Reason: new string('x', 1_000_000)), CaseJson.Options), System.Text.Encoding.UTF8, "application/json"),
        };
        tooBigRequest.Headers.ExpectContinue = true;
        using var tooBig = await http.SendAsync(tooBigRequest, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        var status = await OrderClient.StatusAsync(http, accepted.CaseId);
        Assert.NotEqual(CaseStatus.Cancelled, status.Status);
    }

    [Fact]
    public async Task ACaseTakesAtMostItsSignalCountEvenFromCallersRacingForTheLastOnes()
    {
        // A task queue no worker polls: the workflow exists and takes signals, and nothing else touches the case.
        await using var api = new ApiHost(infrastructure, $"orders-no-worker-{Guid.NewGuid():N}",
            new Dictionary<string, string?> { ["Api:MaxSignalsPerCase"] = "3" });
        var http = api.CreateAuthorizedClient();
        var accepted = await OrderClient.AcceptedAsync(await OrderClient.UploadAsync(http,
            Workbooks.Order("10234", "PO-N", Workbooks.KnownLines), "order.xlsx", $"tenant-{Guid.NewGuid():N}"));
        var url = $"/api/workflow/{accepted.CaseId}/signal";

        var answers = await Task.WhenAll(Enumerable.Range(0, 7).Select(i => http.PostAsJsonAsync(url,
            new SignalRequest(SignalNames.Approve, "u", RequestId: $"r{i}"), CaseJson.Options, Ct)));

        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.Accepted).ToList();
        Assert.Equal(4, refused.Count);
        foreach (var answer in refused)
        {
            Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
            Assert.Contains("Signal limit reached", await answer.Content.ReadAsStringAsync(Ct));
        }

        Assert.Equal(3, (await api.Cases.FindAsync(accepted.CaseId, Ct))!.SignalCount);
        var history = await infrastructure.Client.GetWorkflowHandle(accepted.CaseId).FetchHistoryAsync();
        Assert.Equal(3, history.Events.Count(e => e.EventType == Temporalio.Api.Enums.V1.EventType.WorkflowExecutionSignaled));
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }
}
