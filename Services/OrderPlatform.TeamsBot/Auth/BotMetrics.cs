using System.Diagnostics.Metrics;

namespace OrderPlatform.TeamsBot.Auth;

/// <summary>
/// Counters for what the caller never gets told: the reason a request was refused shows up here (and at debug level
/// in the log), never in the 401 response.
/// </summary>
public sealed class BotMetrics
{
    public const string MeterName = "OrderPlatform.TeamsBot";
    public const string AuthFailuresName = "teamsbot.auth.failures";

    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _outboundRetries;

    public BotMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _authFailures = meter.CreateCounter<long>(AuthFailuresName, "{request}", "Inbound activities refused with 401.");
        _outboundRetries = meter.CreateCounter<long>("teamsbot.connector.retries", "{request}", "Connector calls retried.");
    }

    public void AuthFailed(AuthFailure reason) =>
        _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));

    public void OutboundRetried(int statusCode) =>
        _outboundRetries.Add(1, new KeyValuePair<string, object?>("http.response.status_code", statusCode));
}

/// <summary>Why an inbound request was refused; a metric tag, never part of a response.</summary>
public enum AuthFailure
{
    MissingToken,
    MalformedToken,
    InvalidSignature,
    InvalidAudience,
    InvalidIssuer,
    Expired,
    InvalidAlgorithm,
    InvalidToken,
    CallerNotAllowed,
    MetadataUnavailable,
    MissingEndorsement,
    ServiceUrlMismatch,
    NotLoopback,
    TenantNotAllowed,
}
