using Temporalio.Exceptions;

namespace OrderPlatform.Worker.Activities;

/// <summary>Error types the workflow's retry policies name as non-retryable: retrying a bad input never helps.</summary>
public static class ActivityErrors
{
    public const string BadSpreadsheet = "BadSpreadsheet";
    public const string ZohoRejected = "ZohoRejected";
    public const string CaseRejected = "CaseRejected";
    public const string MissingFile = "MissingFile";
    public const string InvalidSource = "InvalidSource";
    public const string NotifyRejected = "NotifyRejected";

    /// <summary>Ours, plus the case store's refusals, which the SDK reports under the exception's type name.</summary>
    public static readonly string[] NonRetryable =
    [
        BadSpreadsheet, ZohoRejected, CaseRejected, MissingFile, InvalidSource, NotifyRejected,
        nameof(Cases.InvalidCaseTransitionException), nameof(Cases.CaseNotFoundException),
    ];

    /// <summary>Typed errors whose message is a sentence written for the user; any other failure's text stays internal.</summary>
    public static readonly string[] ForUser = [BadSpreadsheet, ZohoRejected, MissingFile, InvalidSource];

    /// <summary>The message is shown on the case, so it must be a sentence for the user.</summary>
    public static ApplicationFailureException Permanent(string errorType, string message, Exception? inner = null) =>
        new(message, inner, errorType, nonRetryable: true);
}
