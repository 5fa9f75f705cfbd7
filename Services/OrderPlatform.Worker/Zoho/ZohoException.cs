namespace OrderPlatform.Worker.Zoho;

public enum ZohoErrorKind
{
    Validation,
    Unauthorized,
    NotFound,
    MethodNotAllowed,
    RateLimited,
    ServerError,
    Timeout,
    Network,
    TokenRefreshFailed,
    DuplicateReference,
    UnexpectedResponse,
}

/// <summary>
/// A Zoho Books failure decided on the HTTP status first (spec §7), with Zoho's own <c>code</c> and <c>message</c>
/// kept verbatim. Never carries tokens or client secrets.
/// </summary>
public sealed class ZohoException(ZohoErrorKind kind, string message, int? httpStatus = null, int? zohoCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public ZohoErrorKind Kind { get; } = kind;

    public int? HttpStatus { get; } = httpStatus;

    public int? ZohoCode { get; } = zohoCode;

    /// <summary>429, 5xx, timeouts and network errors may succeed later; 400, 401, 404, 405 and duplicates never will.</summary>
    public bool IsRetryable => Kind is ZohoErrorKind.RateLimited or ZohoErrorKind.ServerError or ZohoErrorKind.Timeout or ZohoErrorKind.Network;

    /// <summary>The request may have reached Zoho: a create must be looked up before it is sent again.</summary>
    public bool OutcomeUnknown => Kind is ZohoErrorKind.Timeout or ZohoErrorKind.Network or ZohoErrorKind.ServerError;
}
