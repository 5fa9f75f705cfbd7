namespace OrderPlatform.Contracts;

/// <summary>Signal names accepted by <c>POST /api/workflow/{id}/signal</c> and the workflow.</summary>
public static class SignalNames
{
    public const string Corrections = "corrections";
    public const string Approve = "approve";
    public const string Cancel = "cancel";
}

/// <summary>
/// Body of <c>POST /api/workflow/{id}/signal</c>: <c>signal</c> names one of <see cref="SignalNames"/>; the payload
/// matching it is set (corrections for <c>corrections</c>, reason for <c>cancel</c>). Unknown names are a 400.
/// <see cref="RequestId"/> (the bot sends the Teams activity id) makes a resent signal a no-op: the workflow ignores
/// an id it has seen, and drops any answer that arrived before the round it would answer was asked.
/// </summary>
public sealed record SignalRequest(string Signal, string? UserId, CorrectionsPayload? Corrections = null, string? Reason = null,
    string? RequestId = null);

/// <summary>
/// A human's answers to the uncertain fields: header fields by name (<c>customer</c>, <c>poNumber</c>,
/// <c>orderDate</c>, ...) and per-line fixes keyed by row number.
/// </summary>
public sealed record CorrectionsPayload(
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<LineCorrection>? Lines = null);

/// <summary>A fix to one parsed line; null members are left as parsed.</summary>
public sealed record LineCorrection(int RowNumber, string? Sku = null, decimal? Quantity = null, decimal? UnitPrice = null, string? ItemId = null);
