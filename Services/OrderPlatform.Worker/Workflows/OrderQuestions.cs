using OrderPlatform.Contracts;
using OrderPlatform.Worker.Activities;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Committee;

namespace OrderPlatform.Worker.Workflows;

/// <summary>
/// apply-corrections' test: what a person must answer before a draft may be created. Run by the activities that hold
/// the whole order (resolve-items, apply-corrections), so the workflow only ever sees the questions.
/// Committee doubts are asked only in the first round: once a person has answered, their word settles them.
/// </summary>
public static class OrderQuestions
{
    /// <summary>Stores the questions next to the state they are about and answers the result the workflow sees.</summary>
    public static async Task<StateResult> StoreAsync(OrderBlobs documents, BlobRef state, IReadOnlyList<UncertainField> questions,
        CancellationToken cancellationToken)
    {
        var stored = questions.Count == 0 ? null : await documents.WriteVersionAsync(OrderBlobs.Folder(state.BlobName), "questions", questions,
            questions.Count, cancellationToken).ConfigureAwait(false);
        return new StateResult(state, questions.Count, stored);
    }

    /// <summary>
    /// What to ask about <paramref name="state"/>; <paramref name="columns"/> (the sheet's columns as card choices) are
    /// offered on questions about a column, so a card shows a choice set rather than a text box.
    /// </summary>
    public static IReadOnlyList<UncertainField> Find(ReviewedOrder? review, OrderState state, double threshold, IReadOnlyList<string>? columns = null)
    {
        var questions = new List<UncertainField>();
        if (state.Customer.Match is not { } customer || customer.MatchedBy == CatalogStore.Fuzzy)
        {
            questions.Add(new UncertainField("customer", "Customer", state.Customer.Query ?? state.Customer.Match?.Name,
                Choices: [.. state.Customer.Candidates.Select(c => $"{c.Id}: {c.Name}")],
                Reason: state.Customer.Match is null ? "No customer in the catalog matches." : "The customer matched only approximately."));
        }

        foreach (var field in review?.Fields.Where(f => f.Confidence < threshold && f.Field != "customer") ?? [])
        {
            var isColumn = ColumnAnswers.IsColumnField(field.Field);
            // The committee describes its column as "C (Anz)"; the card preselects the choice for that letter ("C: Anz").
            var value = isColumn && field.Value?.Split(' ')[0] is { } letter
                ? columns?.FirstOrDefault(c => c.Split(':')[0] == letter) ?? field.Value
                : field.Value;
            questions.Add(new UncertainField(field.Field, isColumn ? $"Column of {field.Field}" : field.Field, value,
                Choices: isColumn ? columns : null, Reason: $"Only {field.Confidence:P0} sure ({string.Join(", ", field.Supporters)})."));
        }

        foreach (var line in state.Order.Lines)
        {
            var resolution = state.Lines.FirstOrDefault(l => l.RowNumber == line.RowNumber);
            if (resolution?.Match is not { } match || match.MatchedBy == CatalogStore.Fuzzy)
            {
                questions.Add(new UncertainField("itemId", $"Item on row {line.RowNumber}", line.Sku ?? line.Description, line.RowNumber,
                    [.. resolution?.Candidates.Select(c => $"{c.Id}: {c.Name}") ?? []],
                    resolution?.Match is null ? "No catalog item matches." : "The item matched only approximately."));
            }

            if (line.Quantity is not > 0)
            {
                questions.Add(new UncertainField("quantity", $"Quantity on row {line.RowNumber}", line.Quantity?.ToString(), line.RowNumber,
                    Reason: "The quantity is missing or not positive."));
            }
        }

        return questions;
    }
}
