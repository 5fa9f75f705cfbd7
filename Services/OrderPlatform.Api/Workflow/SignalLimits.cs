using OrderPlatform.Contracts;

namespace OrderPlatform.Api.Workflow;

/// <summary>
/// What one signal may carry, and how many a case takes. Each lands in the workflow's history, which Temporal ends at
/// 50 MB / 50,000 events, and a payload over 2 MB is refused outright: a caller must not be able to push a case there.
/// 100 signals of at most 256 KB stay under half the size limit, and no real case needs more than a handful of rounds.
/// </summary>
public static class SignalLimits
{
    public const int DefaultPerCase = 100;
    public const int MaxPerCaseCeiling = 150;

    public const long MaxBodyBytes = 256 * 1024;
    public const int MaxFields = 100;
    public const int MaxLines = 2_000;
    public const int MaxText = 1_000;

    /// <summary>Null when the signal is within bounds, else the sentence for the 400.</summary>
    public static string? Check(SignalRequest request)
    {
        var fields = request.Corrections?.Fields ?? new Dictionary<string, string>();
        var lines = request.Corrections?.Lines ?? [];
        string?[] texts =
        [
            request.UserId, request.Reason, request.RequestId,
            .. fields.Keys, .. fields.Values, .. lines.SelectMany(l => new[] { l.Sku, l.ItemId }),
        ];
        return fields.Count > MaxFields || lines.Count > MaxLines || texts.Any(t => t?.Length > MaxText)
            ? $"A signal carries at most {MaxFields} fields, {MaxLines} line fixes and texts of {MaxText} characters."
            : null;
    }
}
