using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Worker.Workflows;

/// <summary>Worker settings the workflow needs, read once per run by the load-settings activity so replays stay deterministic.</summary>
public sealed record WorkflowSettings(TimeSpan CorrectionsDeadline, TimeSpan ReminderAfter, double ConfidenceThreshold, TimeSpan ZohoRetryInterval);

/// <summary>store-file's result: the canonical blob, its size and SHA-256 (hex).</summary>
public sealed record StoredFile(string BlobName, string FileName, long SizeBytes, string Sha256);

/// <summary>What a human confirmation teaches the history member (spec R16).</summary>
public sealed record MappingBasis(
    string SheetName,
    int? HeaderRowNumber,
    string HeaderFingerprint,
    IReadOnlyDictionary<string, string> ColumnLetters,
    IReadOnlyDictionary<string, string> ColumnHeaders,
    char? DecimalSeparator);

public sealed record ReviewResult(ReviewedOrder Review, MappingBasis Mapping);

/// <summary>The order with its catalog resolution: what create-zoho-draft is built from.</summary>
public sealed record OrderState(CanonicalOrder Order, CustomerResolution Customer, IReadOnlyList<LineResolution> Lines);

/// <summary>One human answer to apply: corrections (or an approval) from <see cref="SignalRequest"/>.</summary>
public sealed record CorrectionsRound(string CaseId, OrderState State, SignalRequest Signal, MappingBasis Mapping, bool Approved);

/// <summary>Options for the workflow (<c>Orders:CorrectionsDeadline</c>, <c>Orders:ReminderAfter</c>, <c>Orders:ZohoRetryInterval</c>).</summary>
public sealed class OrderWorkflowOptions
{
    public const string Section = "Orders";

    public TimeSpan CorrectionsDeadline { get; set; } = TimeSpan.FromHours(48);

    /// <summary>One reminder this long after the question was asked; must be shorter than the deadline to be sent.</summary>
    public TimeSpan ReminderAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>First retry of create-zoho-draft; Zoho's 429 has no Retry-After, so back off from 20 s (zoho-books spec §6).</summary>
    public TimeSpan ZohoRetryInterval { get; set; } = TimeSpan.FromSeconds(20);
}
