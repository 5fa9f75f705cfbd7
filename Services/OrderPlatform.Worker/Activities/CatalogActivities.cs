using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Committee;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Workflows;
using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>resolve-customer and resolve-items against the catalog replica.</summary>
public sealed class CatalogActivities(CatalogStore catalog, ICaseStore cases, OrderBlobs documents)
{
    private const int Candidates = 5;

    [Activity("resolve-customer")]
    public async Task<CustomerResolution> ResolveCustomerAsync(string caseId, string? customer)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var hits = string.IsNullOrWhiteSpace(customer) ? [] : await catalog.FindCustomersAsync(customer, Candidates, ct).ConfigureAwait(false);
        // Several exact hits are as unsure as none: a person picks.
        var match = hits.Count == 1 || (hits.Count > 1 && hits[0].MatchedBy == CatalogStore.Fuzzy && hits[0].Score - hits[1].Score >= 0.2) ? hits[0] : null;
        var resolution = new CustomerResolution(customer, match, hits);
        await cases.UpdateAsync(caseId, c => c with { Customer = resolution, Step = "resolve-customer" },
            new CaseEventDraft(CaseActivities.Actor, "resolve-customer", match is null
                ? $"no sure match for \"{customer}\" ({hits.Count} candidates)"
                : $"\"{customer}\" → {match.Id} {match.Name} ({match.MatchedBy}, {match.Score:0.###})"), ct).ConfigureAwait(false);
        return resolution;
    }

    /// <summary>
    /// Resolves every line of the reviewed order, stores the order with its resolution as a state version and answers
    /// what a person must still decide (committee doubts included, as this is the first round).
    /// </summary>
    [Activity("resolve-items")]
    public Task<StateResult> ResolveItemsAsync(ItemsRound round) => Heartbeats.WhileAsync(() => ResolveAsync(round));

    private async Task<StateResult> ResolveAsync(ItemsRound round)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var review = await documents.ReadAsync<ReviewedOrder>(round.Review, ct).ConfigureAwait(false);
        var order = review.Order;
        // A beat per statement of the lookup, with the lines resolved so far: progress, not only liveness.
        var lines = await ResolveLinesAsync(catalog, order.Lines, ct, Heartbeats.Progress(ActivityExecutionContext.Current)).ConfigureAwait(false);
        var sure = lines.Count(l => l.Match is not null && l.Match.MatchedBy != CatalogStore.Fuzzy);
        await cases.UpdateAsync(round.CaseId, c => c with { Status = CaseStatus.Resolved, Step = "resolve-items", Lines = lines },
            new CaseEventDraft(CaseActivities.Actor, "resolve-items", $"{sure} of {lines.Count} lines matched on a key"), ct).ConfigureAwait(false);
        var state = new OrderState(order, round.Customer, lines);
        var stored = await documents.WriteVersionAsync(OrderBlobs.Folder(round.Review.BlobName), "state", state, lines.Count, ct).ConfigureAwait(false);
        // The sheet (which can be large) is read only when a column is in doubt: its columns are that question's choices.
        var unsureColumn = review.Fields.Any(f => f.Confidence < round.ConfidenceThreshold && ColumnAnswers.IsColumnField(f.Field));
        var columns = unsureColumn && round.Sheet is { } sheet
            ? ColumnAnswers.Choices(await documents.ReadAsync<ParsedSheet>(sheet, ct).ConfigureAwait(false))
            : null;
        return await OrderQuestions.StoreAsync(documents, stored, OrderQuestions.Find(review, state, round.ConfidenceThreshold, columns), ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Every line against the catalog by code, EAN, then description, in a few statements for the sheet: resolve-items' rule, also used by apply-corrections
    /// when a corrected column map assembles the lines again.
    /// </summary>
    internal static async Task<List<LineResolution>> ResolveLinesAsync(CatalogStore catalog, IReadOnlyList<OrderLine> orderLines, CancellationToken ct,
        IProgress<int>? progress = null)
    {
        var found = await catalog.FindItemsAsync([.. orderLines.Select(l => new ItemQuery(l.Sku, l.Ean, l.Description))], Candidates, ct, progress)
            .ConfigureAwait(false);
        var lines = new List<LineResolution>(orderLines.Count);
        foreach (var (line, hits) in orderLines.Zip(found))
        {
            var match = hits.Count == 1 || (hits.Count > 1 && hits[0].MatchedBy == CatalogStore.Fuzzy) ? hits[0] : null;
            lines.Add(new LineResolution(line.RowNumber, line.Sku ?? line.Ean ?? line.Description, match, hits));
        }

        return lines;
    }
}
