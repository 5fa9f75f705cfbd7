using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using Temporalio.Client;

namespace OrderPlatform.Orders.Tests;

/// <summary>The history member inside the real workflow: what a person confirmed for a customer maps that customer's next file.</summary>
public sealed class HistoryTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Headers no synonym knows, and two columns of small whole numbers (the stock column after the quantities), so the
    /// content alone cannot tell which is the quantity and the committee asks.
    /// </summary>
    private static byte[] UnusualOrder(string poNumber)
    {
        List<object?[]> rows =
        [
            ["Kundennr.:", "10234"],
            ["Bestellnr.:", poNumber],
            [],
            ["Teil", "Text", "Anz", "Lager", "EH", "Betrag"],
        ];
        rows.AddRange(Workbooks.KnownLines.Select((l, i) => new object?[] { l.Sku, l.Description, l.Quantity, 7 + (i * 5), l.Unit, l.Price }));
        return Workbooks.Build("Bestellung", rows);
    }

    [Fact]
    public async Task AMappingConfirmedInOneOrderMapsTheSameCustomersNextOrderOfTheSameTenantOnly()
    {
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var first = await fixture.StartCaseAsync(UnusualOrder("PO-H1"), tenantId: tenant);
        var asked = await WaitForStatusAsync(first, CaseStatus.AwaitingCorrections);
        Assert.Contains(asked.Questions ?? [], q => q.Field == "quantity" && q.RowNumber is null);
        Assert.Equal("C (Anz)", (await CaseAsync(first.Id)).Confidences!.Single(f => f.Field == "quantity").Value);

        await first.SignalAsync(SignalNames.Corrections, [new SignalRequest(SignalNames.Corrections, "anna",
            new CorrectionsPayload(new Dictionary<string, string> { ["poNumber"] = "PO-H1" }))]);
        Assert.Equal(CaseStatus.Completed, (await ResultAsync(first)).Status);

        var second = await fixture.StartCaseAsync(UnusualOrder("PO-H2"), tenantId: tenant);
        var result = await ResultAsync(second);

        Assert.Equal(CaseStatus.Completed, result.Status);
        var mapped = await CaseAsync(second.Id);
        var quantity = mapped.Confidences!.Single(f => f.Field == "quantity");
        Assert.Contains("history", quantity.Supporters);
        Assert.True(quantity.Confidence >= 0.7, $"quantity only {quantity.Confidence}");
        Assert.Equal([250m, 400m, 50m, 120m], mapped.Order!.Lines.Select(l => l.Quantity));
        var events = await fixture.Worker.Cases.GetEventsAsync(second.Id, Ct);
        Assert.DoesNotContain(events, e => e.To == CaseStatus.AwaitingCorrections);

        var otherTenant = await fixture.StartCaseAsync(UnusualOrder("PO-H3"), tenantId: $"tenant-{Guid.NewGuid():N}");
        var foreign = await WaitForStatusAsync(otherTenant, CaseStatus.AwaitingCorrections);
        Assert.Contains(foreign.Questions ?? [], q => q.Field == "quantity");
        Assert.DoesNotContain("history", foreign.Confidences!.SelectMany(f => f.Supporters));
        await otherTenant.SignalAsync(SignalNames.Cancel, [new SignalRequest(SignalNames.Cancel, "anna", Reason: "test done")]);
    }

    private Task<CaseDocument> CaseAsync(string caseId) => fixture.CaseAsync(caseId);

    private Task<CaseDocument> WaitForStatusAsync(WorkflowHandle handle, CaseStatus status) => fixture.WaitForStatusAsync(handle, status);

    private Task<OrderWorkflowResult> ResultAsync(WorkflowHandle handle) => fixture.ResultAsync(handle);
}
