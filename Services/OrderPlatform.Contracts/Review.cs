namespace OrderPlatform.Contracts;

/// <summary>
/// The committee's verdict on one field: a column letter for line fields (<c>code</c>, <c>quantity</c>, ...) or a value
/// for header fields (<c>customer</c>, <c>poNumber</c>, ...), how sure the weighted vote is (0–1) and who backed it.
/// </summary>
public sealed record FieldConfidence(string Field, string? Value, double Confidence, IReadOnlyList<string> Supporters);

/// <summary>Something a human should look at: tied to a spreadsheet row when <see cref="RowNumber"/> is set.</summary>
public sealed record ReviewNote(int? RowNumber, string Text);

/// <summary>
/// Output of run-committee: the canonical order, per-field confidences, the members' disagreements, notes on lines
/// and the column map (field → column letter) to record for the customer once a human confirms it.
/// </summary>
public sealed record ReviewedOrder(
    CanonicalOrder Order,
    IReadOnlyList<FieldConfidence> Fields,
    IReadOnlyList<string> Disagreements,
    IReadOnlyList<ReviewNote> Notes,
    IReadOnlyDictionary<string, string> ColumnMap,
    bool NeedsReview);
