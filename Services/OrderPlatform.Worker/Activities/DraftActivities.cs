using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Workflows;
using OrderPlatform.Worker.Zoho;
using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>create-zoho-draft through the Zoho client (lookup by reference before create, or a dry run when unconfigured).</summary>
public sealed class DraftActivities(ZohoDraftService zoho, CatalogStore catalog, ICaseStore cases, OrderBlobs documents)
{
    /// <summary>Heartbeats throughout, so a crashed worker's attempt is retried after the heartbeat timeout (the lookup keeps it single).</summary>
    [Activity("create-zoho-draft")]
    public Task<DraftOutcome> CreateZohoDraftAsync(string caseId, BlobRef stateRef, DateOnly today) =>
        Heartbeats.WhileAsync(() => CreateAsync(caseId, stateRef, today));

    private async Task<DraftOutcome> CreateAsync(string caseId, BlobRef stateRef, DateOnly today)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var state = await documents.ReadAsync<OrderState>(stateRef, ct).ConfigureAwait(false);
        var customerId = state.Customer.Match?.Id
            ?? throw ActivityErrors.Permanent(ActivityErrors.ZohoRejected, "The order has no confirmed customer.");
        var itemIds = state.Lines.Where(l => l.Match is not null).Select(l => l.Match!.Id).Distinct().ToList();
        var rates = await catalog.GetRatesAsync(itemIds, ct).ConfigureAwait(false);
        var items = new List<ZohoLineItem>();
        foreach (var line in state.Order.Lines)
        {
            var itemId = state.Lines.FirstOrDefault(l => l.RowNumber == line.RowNumber)?.Match?.Id
                ?? throw ActivityErrors.Permanent(ActivityErrors.ZohoRejected, $"Row {line.RowNumber} has no confirmed item.");
            items.Add(new ZohoLineItem(itemId, line.Quantity ?? 0, line.UnitPrice ?? rates.GetValueOrDefault(itemId), line.Description));
        }

        var date = (state.Order.OrderDate ?? today).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        ZohoDraftResult result;
        try
        {
            result = await zoho.CreateDraftAsync(new ZohoSalesOrderRequest(customerId, date, caseId, items), ct).ConfigureAwait(false);
        }
        catch (ZohoException ex) when (!ex.IsRetryable)
        {
            throw ActivityErrors.Permanent(ActivityErrors.ZohoRejected, $"Zoho Books refused the draft: {ex.Message}", ex);
        }

        var draft = new CaseDraft(result.DryRun, result.Reused, result.SalesOrderId, result.SalesOrderNumber, result.Status, result.RequestJson);
        await cases.UpdateAsync(caseId, c => c with { Status = CaseStatus.DraftCreated, Step = "create-zoho-draft", Draft = draft },
            new CaseEventDraft(CaseActivities.Actor, "create-zoho-draft", result.DryRun
                ? "dry run: Zoho is not configured, the request is stored on the case"
                : $"{(result.Reused ? "found existing" : "created")} sales order {result.SalesOrderNumber} ({result.SalesOrderId})"), ct).ConfigureAwait(false);
        return new DraftOutcome(draft.DryRun, draft.Reused, draft.SalesOrderId, draft.SalesOrderNumber);
    }
}
