using System.Globalization;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Committee;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Workflows;
using Microsoft.Extensions.Options;
using Temporalio.Activities;

namespace OrderPlatform.Worker.Activities;

/// <summary>run-committee and apply-corrections (the part that applies a person's answers).</summary>
public sealed class ReviewActivities(OrderCommittee committee, IMappingHistory history, CatalogStore catalog, ICaseStore cases, OrderBlobs documents,
    IOptions<CommitteeOptions> committeeOptions, TimeProvider time)
{
    /// <summary>Reads the parsed sheet from its blob and stores the <see cref="ReviewedOrder"/> next to it as <c>review.json</c>.</summary>
    [Activity("run-committee")]
    public async Task<ReviewResult> RunCommitteeAsync(string caseId, BlobRef parsed)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var sheet = await documents.ReadAsync<ParsedSheet>(parsed, ct).ConfigureAwait(false);
        var tenant = (await cases.FindAsync(caseId, ct).ConfigureAwait(false))?.TenantId ?? throw new CaseNotFoundException(caseId);
        // The history is keyed by the customer as the sheet names it, not by the catalog id: the committee runs before
        // resolve-customer (which needs the committee's header vote), so the sheet's text is the only key the lookup has,
        // and saving under the same text is what lets the next file with that customer line find the confirmation,
        // whether or not the catalog matched the customer exactly.
        var input = new CommitteeInput(sheet, TenantId: tenant);
        var review = await committee.RunAsync(input, ct).ConfigureAwait(false);
        var headers = ColumnAnswers.Headers(sheet, review.ColumnMap);
        var quantityColumn = review.ColumnMap.GetValueOrDefault(OrderFields.Quantity);
        var mapping = new MappingBasis(sheet.SheetName, sheet.HeaderRowNumber, sheet.HeaderFingerprint, review.ColumnMap, headers,
            sheet.Columns.FirstOrDefault(c => c.Letter == quantityColumn)?.DecimalSeparator, input.EffectiveCustomerKey, tenant);
        await cases.UpdateAsync(caseId, c => c with
        {
            Status = CaseStatus.Reviewed,
            Step = "run-committee",
            Order = review.Order,
            Confidences = review.Fields,
            Disagreements = review.Disagreements,
            Notes = review.Notes,
        }, new CaseEventDraft(CaseActivities.Actor, "run-committee",
            $"{review.Order.Lines.Count} lines, {review.Disagreements.Count} disagreements, needs review: {review.NeedsReview}"), ct).ConfigureAwait(false);
        var stored = await documents.WriteAsync(OrderBlobs.Folder(parsed.BlobName), "review.json", review, review.Order.Lines.Count, ct)
            .ConfigureAwait(false);
        return new ReviewResult(stored, review.Order.Customer, mapping);
    }

    /// <summary>
    /// Applies a person's corrections (or approval) to the order and re-resolves what they changed; the confirmed
    /// column mapping is then recorded for the history member. An answer that moves a column assembles the lines again
    /// from the parsed sheet before the line fixes of the same answer apply. The corrected state is stored as a new
    /// version, with what is still to be asked. It runs with resolve-items' options, heartbeat timeout included, and a
    /// column answer resolves the whole sheet again: it heartbeats, or a sheet slower than the timeout fails every attempt.
    /// </summary>
    [Activity("apply-corrections")]
    public Task<StateResult> ApplyCorrectionsAsync(CorrectionsRound round) => Heartbeats.WhileAsync(() => ApplyAsync(round));

    private async Task<StateResult> ApplyAsync(CorrectionsRound round)
    {
        var ct = ActivityExecutionContext.Current.CancellationToken;
        var fields = round.Signal.Corrections?.Fields ?? new Dictionary<string, string>();
        var remap = await RemapAsync(round, await documents.ReadAsync<OrderState>(round.State, ct).ConfigureAwait(false), fields, ct)
            .ConfigureAwait(false);
        var state = remap.State;
        var order = state.Order with
        {
            PoNumber = fields.GetValueOrDefault(OrderFields.PoNumber) ?? state.Order.PoNumber,
            DeliveryDate = ParseDate(fields.GetValueOrDefault(OrderFields.DeliveryDate)) ?? state.Order.DeliveryDate,
            OrderDate = ParseDate(fields.GetValueOrDefault(OrderFields.OrderDate)) ?? state.Order.OrderDate,
            Customer = fields.GetValueOrDefault(OrderFields.Customer) ?? state.Order.Customer,
        };
        var customer = state.Customer;
        if (fields.TryGetValue(OrderFields.Customer, out var answer))
        {
            var hits = await catalog.FindCustomersAsync(ChoiceId(answer), 5, ct).ConfigureAwait(false);
            customer = new CustomerResolution(answer, hits.Count == 1 && hits[0].MatchedBy == CatalogStore.Exact ? hits[0] with { MatchedBy = "human" } : null, hits);
        }
        else if (round.Approved && Proposal(customer.Match, customer.Candidates) is { } proposed)
        {
            customer = customer with { Match = proposed };
        }

        var lines = state.Lines.ToList();
        var orderLines = order.Lines.ToList();
        var fixes = round.Signal.Corrections?.Lines ?? [];
        await ApplyLineFixesAsync(orderLines, lines, fixes, ct).ConfigureAwait(false);

        if (round.Approved)
        {
            lines = [.. lines.Select(l => Proposal(l.Match, l.Candidates) is { } proposed ? l with { Match = proposed } : l)];
        }

        var corrected = new OrderState(order with { Lines = orderLines }, customer, [.. lines.OrderBy(l => l.RowNumber)], state.Mapping,
            [.. state.LineFixes ?? [], .. fixes]);
        // A person has answered, so the mapping they let stand (or corrected) is confirmed; saved under run-committee's
        // lookup key. Not while a column answer is still open: that mapping is exactly what nobody has confirmed yet.
        if (remap.Unresolved.Count == 0 && (state.Mapping ?? round.Mapping) is { CustomerKey: { Length: > 0 } customerKey, TenantId: { } tenant } basis)
        {
            await history.SaveConfirmedAsync(new MappingProfile(customerKey, basis.SheetName, basis.HeaderRowNumber, basis.HeaderFingerprint,
                basis.ColumnLetters, basis.ColumnHeaders, basis.DecimalSeparator, null, time.GetUtcNow(), tenant), ct).ConfigureAwait(false);
        }

        var who = round.Signal.UserId ?? "user";
        await cases.UpdateAsync(round.CaseId, c => c with
        {
            Status = CaseStatus.Corrected,
            Step = "apply-corrections",
            Order = corrected.Order,
            Customer = corrected.Customer,
            Lines = corrected.Lines,
            Corrections = round.Signal.Corrections,
            Confidences = Settled(c.Confidences, fields, remap, round.Approved),
            Notes = remap.Notes.Count == 0 ? c.Notes : [.. c.Notes ?? [], .. remap.Notes],
            Questions = [],
        }, new CaseEventDraft(who, "apply-corrections", (round.Approved
            ? "approved as proposed"
            : $"{fields.Count} field(s) and {round.Signal.Corrections?.Lines?.Count ?? 0} line(s) corrected")
            + (remap.Moved ? $"; columns now {string.Join(", ", state.Mapping!.ColumnLetters.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}" : "")
            + string.Concat(remap.Unresolved.Select(kv => $"; \"{kv.Value}\" names no column for {kv.Key}"))), ct).ConfigureAwait(false);
        var stored = await documents.WriteVersionAsync(OrderBlobs.Folder(round.State.BlobName), "state", corrected, corrected.Lines.Count, ct)
            .ConfigureAwait(false);
        // An answer that named no column is asked again, with the reason and the columns to pick from, so the case
        // stays open and the person sees why instead of the answer vanishing.
        var basisNow = state.Mapping ?? round.Mapping;
        IReadOnlyList<UncertainField> again = [.. remap.Unresolved.Select(kv => new UncertainField(kv.Key, $"Column of {kv.Key}",
            basisNow.ColumnLetters.GetValueOrDefault(kv.Key) is { } letter ? remap.Choices.FirstOrDefault(c => c.Split(':')[0] == letter) ?? letter : null,
            Choices: remap.Choices,
            Reason: $"\"{kv.Value}\" names no column of the sheet; pick a column or answer with its letter or header."))];
        return await OrderQuestions.StoreAsync(documents, stored, [.. again, .. OrderQuestions.Find(null, corrected, round.ConfidenceThreshold)], ct)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the answers about columns (quantity → "G"): a map that moved assembles the lines again from the parsed
    /// sheet and resolves them against the catalog as resolve-items does. The state keeps the corrected mapping so a
    /// later round neither loses it nor saves the committee's vote over it.
    /// </summary>
    private async Task<Remap> RemapAsync(CorrectionsRound round, OrderState state, IReadOnlyDictionary<string, string> fields, CancellationToken ct)
    {
        var answers = fields.Where(f => ColumnAnswers.IsColumnField(f.Key)).ToDictionary(f => f.Key, f => f.Value);
        if (answers.Count == 0)
        {
            return new Remap(state, false, new Dictionary<string, string>(), [], new Dictionary<string, string>(), []);
        }

        if (round.Sheet is null)
        {
            throw ActivityErrors.Permanent(ActivityErrors.CaseRejected,
                "This order was started before column answers could be applied; please upload the file again.");
        }

        var sheet = await documents.ReadAsync<ParsedSheet>(round.Sheet, ct).ConfigureAwait(false);
        var basis = state.Mapping ?? round.Mapping;
        var (map, unresolved) = ColumnAnswers.Apply(sheet, basis.ColumnLetters, answers);
        var choices = ColumnAnswers.Choices(sheet);
        if (map.Count == basis.ColumnLetters.Count && map.All(kv => basis.ColumnLetters.GetValueOrDefault(kv.Key) == kv.Value))
        {
            // The answer confirms the vote (the card echoes the preselected column): nothing to assemble again.
            return new Remap(state, false, unresolved, choices, new Dictionary<string, string>(), []);
        }

        var notes = new List<ReviewNote>();
        var assembled = new OrderAssembler(committeeOptions.Value).Assemble(sheet, ColumnAnswers.Indexes(sheet, map), [], notes);
        var resolutions = await CatalogActivities.ResolveLinesAsync(catalog, assembled.Lines, ct).ConfigureAwait(false);
        var quantity = map.GetValueOrDefault(OrderFields.Quantity);
        var mapping = basis with
        {
            ColumnLetters = map,
            ColumnHeaders = ColumnAnswers.Headers(sheet, map),
            DecimalSeparator = sheet.Columns.FirstOrDefault(c => c.Letter == quantity)?.DecimalSeparator,
        };
        var columns = map.ToDictionary(kv => kv.Key,
            kv => sheet.Columns.FirstOrDefault(c => c.Letter == kv.Value) is { } column ? OrderCommittee.Describe(sheet, column.Index) : kv.Value);
        // The lines come again from the sheet: what people fixed in earlier rounds is applied to them once more.
        var rebuiltLines = assembled.Lines.ToList();
        var rebuiltResolutions = resolutions.ToList();
        await ApplyLineFixesAsync(rebuiltLines, rebuiltResolutions, state.LineFixes ?? [], ct).ConfigureAwait(false);
        return new Remap(state with { Order = state.Order with { Lines = rebuiltLines }, Lines = rebuiltResolutions, Mapping = mapping }, true,
            unresolved, choices, columns, notes);
    }

    /// <summary>Applies line corrections to the order lines and, where they name an item or SKU, resolves that row again.</summary>
    private async Task ApplyLineFixesAsync(List<OrderLine> orderLines, List<LineResolution> lines, IEnumerable<LineCorrection> fixes,
        CancellationToken ct)
    {
        foreach (var fix in fixes)
        {
            var index = orderLines.FindIndex(l => l.RowNumber == fix.RowNumber);
            if (index < 0)
            {
                continue;
            }

            orderLines[index] = orderLines[index] with
            {
                Sku = fix.Sku ?? orderLines[index].Sku,
                Quantity = fix.Quantity ?? orderLines[index].Quantity,
                UnitPrice = fix.UnitPrice ?? orderLines[index].UnitPrice,
            };
            if (fix.ItemId is not null || fix.Sku is not null)
            {
                var hits = await catalog.FindItemsAsync(ChoiceId(fix.ItemId ?? fix.Sku!), null, null, 5, ct).ConfigureAwait(false);
                var resolved = new LineResolution(fix.RowNumber, fix.ItemId ?? fix.Sku, hits.Count == 1 ? hits[0] with { MatchedBy = "human" } : null, hits);
                lines.RemoveAll(l => l.RowNumber == fix.RowNumber);
                lines.Add(resolved);
            }
        }
    }

    /// <summary>
    /// What apply-corrections did with the answers about columns. <see cref="Columns"/> (field → "D (Menge)") and
    /// <see cref="Notes"/> (the re-assembly's notes) are set only when the map moved.
    /// </summary>
    private sealed record Remap(OrderState State, bool Moved, IReadOnlyDictionary<string, string> Unresolved, IReadOnlyList<string> Choices,
        IReadOnlyDictionary<string, string> Columns, IReadOnlyList<ReviewNote> Notes);

    /// <summary>
    /// The case shows what a person settled, not the committee's first doubt: a field they answered (or approved) is
    /// at full confidence with "human" among its supporters, and a moved column shows where it went. An answer that
    /// named no column settles nothing.
    /// </summary>
    private static IReadOnlyList<FieldConfidence>? Settled(IReadOnlyList<FieldConfidence>? votes, IReadOnlyDictionary<string, string> answers,
        Remap remap, bool approved) =>
        votes?.Select(f =>
        {
            // After a move every column field shows its column in the new map (none when its column was taken).
            var shown = remap.Moved && ColumnAnswers.IsColumnField(f.Field) ? f with { Value = remap.Columns.GetValueOrDefault(f.Field) }
                : !ColumnAnswers.IsColumnField(f.Field) && answers.TryGetValue(f.Field, out var answer) ? f with { Value = answer }
                : f;
            return remap.Unresolved.ContainsKey(f.Field) || !(approved || answers.ContainsKey(f.Field))
                ? shown
                : shown with { Confidence = 1, Supporters = [.. f.Supporters.Where(s => s != "human"), "human"] };
        }).ToList();

    /// <summary>What an approval confirms where the catalog was unsure: the fuzzy match, else the best candidate.</summary>
    private static CatalogMatch? Proposal(CatalogMatch? match, IReadOnlyList<CatalogMatch> candidates) =>
        match is null || match.MatchedBy == CatalogStore.Fuzzy
            ? (match ?? candidates.FirstOrDefault()) is { } best ? best with { MatchedBy = "approved" } : null
            : null;

    /// <summary>Card choices read "id: name"; a typed answer is used as it is.</summary>
    private static string ChoiceId(string answer) => answer.Split(':', 2)[0].Trim();

    private static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParse(text, CultureInfo.InvariantCulture, out var date) ? date : null;
}
