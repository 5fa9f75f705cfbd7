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

public sealed class SignalLimitsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
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
        using var tooBig = await http.PostAsJsonAsync(url, new SignalRequest(SignalNames.Cancel, "u", Reason: new string('x', 1_000_000)), CaseJson.Options, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        var status = await OrderClient.StatusAsync(http, accepted.CaseId);
        Assert.NotEqual(CaseStatus.Cancelled, status.Status);
    }
}
