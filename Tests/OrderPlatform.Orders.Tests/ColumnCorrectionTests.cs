using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// A person corrects the committee's column map in the real workflow: the draft carries the corrected column's values
/// and the customer's next file is mapped right by the history.
/// </summary>
public sealed class ColumnCorrectionTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly decimal[] Quantities = [.. Workbooks.KnownLines.Select(l => l.Quantity)];

    /// <summary>
    /// Headers nobody knows and two columns of small whole numbers: the stock ("Feld 1") before the quantities
    /// ("Feld 2"), so the content member votes the stock column, unsure.
    /// </summary>
    internal static byte[] StockBeforeQuantity(string poNumber)
    {
        List<object?[]> rows =
        [
            ["Kundennr.:", "10234"],
            ["Bestellnr.:", poNumber],
            [],
            ["Teil", "Text", "Feld 1", "Feld 2", "EH", "Betrag"],
        ];
        rows.AddRange(Workbooks.KnownLines.Select((l, i) => new object?[] { l.Sku, l.Description, 7 + (i * 5), l.Quantity, l.Unit, l.Price }));
        return Workbooks.Build("Bestellung", rows);
    }

    [Fact]
    public async Task ACorrectedQuantityColumnReachesTheDraftAndMapsTheCustomersNextFileWithoutQuestions()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var first = await fixture.StartCaseAsync(StockBeforeQuantity("PO-M1"), tenantId: tenant);
        var asked = await WaitForStatusAsync(first, CaseStatus.AwaitingCorrections);
        var question = Assert.Single(asked.Questions ?? [], q => q.Field == "quantity" && q.RowNumber is null);
        Assert.Equal("C: Feld 1", question.Value);
        Assert.Equal(["A: Teil", "B: Text", "C: Feld 1", "D: Feld 2", "E: EH", "F: Betrag"], question.Choices);

        // Named by its header text, as a person would type it.
        await first.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string> { ["quantity"] = "feld 2" }))]);

        Assert.Equal(CaseStatus.Completed, (await ResultAsync(first)).Status);
        var draft = Assert.Single(fixture.Zoho.OrdersFor(first.Id));
        Assert.Equal(Quantities, draft["line_items"]!.AsArray().Select(l => l!["quantity"]!.GetValue<decimal>()));
        Assert.Equal([TestCatalog.Screw, TestCatalog.Nut, TestCatalog.Cable, TestCatalog.LongScrew],
            draft["line_items"]!.AsArray().Select(l => l!["item_id"]!.ToString()));
        // The case shows what the person settled, not the committee's first doubt.
        var settled = (await CaseAsync(first.Id)).Confidences!.Single(f => f.Field == "quantity");
        Assert.Equal(("D (Feld 2)", 1d), (settled.Value, settled.Confidence));
        Assert.Contains("human", settled.Supporters);

        var second = await fixture.StartCaseAsync(StockBeforeQuantity("PO-M2"), tenantId: tenant);

        Assert.Equal(CaseStatus.Completed, (await ResultAsync(second)).Status);
        var mapped = await CaseAsync(second.Id);
        var quantity = mapped.Confidences!.Single(f => f.Field == "quantity");
        Assert.Equal("D (Feld 2)", quantity.Value);
        Assert.Contains("history", quantity.Supporters);
        var events = await fixture.Worker.Cases.GetEventsAsync(second.Id, Ct);
        Assert.DoesNotContain(events, e => e.To == CaseStatus.AwaitingCorrections);
        var next = Assert.Single(fixture.Zoho.OrdersFor(second.Id));
        Assert.Equal(Quantities, next["line_items"]!.AsArray().Select(l => l!["quantity"]!.GetValue<decimal>()));

        await RecordedHistories.SaveIfRequestedAsync(first, "column-answer");
    }

    [Fact]
    public async Task AnAnswerThatNamesNoColumnIsAskedAgainWithTheReasonAndNothingIsDrafted()
    {
        var handle = await fixture.StartCaseAsync(StockBeforeQuantity("PO-M3"), tenantId: $"tenant-{Guid.NewGuid():N}");
        await WaitForStatusAsync(handle, CaseStatus.AwaitingCorrections);

        await handle.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string> { ["quantity"] = "Lieferdatum", ["poNumber"] = "PO-M3b" }))]);

        CaseDocument? again = null;
        await Infrastructure.EventuallyAsync(async () =>
        {
            again = await CaseAsync(handle.Id);
            Assert.False(again.Status is CaseStatus.Failed or CaseStatus.Completed, $"{handle.Id} ended {again.Status}: {again.Error}");
            return again.Status == CaseStatus.AwaitingCorrections && again.Questions?.Any(q => q.Reason?.Contains("Lieferdatum", StringComparison.Ordinal) == true) == true;
        }, () => $"{handle.Id} to ask again (last {again?.Status} at {again?.Step}){Environment.NewLine}{fixture.Worker.Logs.Text}");
        var repeated = Assert.Single(again!.Questions!, q => q.Field == "quantity");
        Assert.Contains("names no column", repeated.Reason);
        Assert.Contains("D: Feld 2", repeated.Choices ?? []);
        Assert.Equal("PO-M3b", again.Order!.PoNumber);
        var events = await fixture.Worker.Cases.GetEventsAsync(handle.Id, Ct);
        Assert.Contains(events, e => e.Step == "apply-corrections" && e.Detail?.Contains("names no column", StringComparison.Ordinal) == true);
        Assert.Empty(fixture.Zoho.OrdersFor(handle.Id));

        await handle.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string> { ["quantity"] = "D: Feld 2" }))]);

        Assert.Equal(CaseStatus.Completed, (await ResultAsync(handle)).Status);
        var draft = Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
        Assert.Equal(Quantities, draft["line_items"]!.AsArray().Select(l => l!["quantity"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task ALineFixFromAnEarlierRoundSurvivesALaterColumnAnswerThatRebuildsTheLines()
    {
        var handle = await fixture.StartCaseAsync(StockBeforeQuantity("PO-M4"), tenantId: $"tenant-{Guid.NewGuid():N}");
        await WaitForStatusAsync(handle, CaseStatus.AwaitingCorrections);

        // Round one: the column answer names nothing, but the fix to row 6 (the second line) is the person's word.
        await handle.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string> { ["quantity"] = "Lieferdatum" }, [new LineCorrection(6, Quantity: 444)]))]);
        await Infrastructure.EventuallyAsync(async () =>
            (await CaseAsync(handle.Id)).Questions?.Any(q => q.Reason?.Contains("Lieferdatum", StringComparison.Ordinal) == true) == true,
            () => $"{handle.Id} to ask about the column again{Environment.NewLine}{fixture.Worker.Logs.Text}");

        // Round two rebuilds every line from column D; row 6 keeps the fixed quantity.
        await handle.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string> { ["quantity"] = "D" }))]);

        Assert.Equal(CaseStatus.Completed, (await ResultAsync(handle)).Status);
        var draft = Assert.Single(fixture.Zoho.OrdersFor(handle.Id));
        Assert.Equal([Quantities[0], 444m, Quantities[2], Quantities[3]], draft["line_items"]!.AsArray().Select(l => l!["quantity"]!.GetValue<decimal>()));
    }

    private Task<CaseDocument> CaseAsync(string caseId) => fixture.CaseAsync(caseId);

    private Task<CaseDocument> WaitForStatusAsync(WorkflowHandle handle, CaseStatus status) => fixture.WaitForStatusAsync(handle, status);

    private Task<OrderWorkflowResult> ResultAsync(WorkflowHandle handle) => fixture.ResultAsync(handle);
}
