using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderPlatform.TeamsBot.Activities;
using OrderPlatform.TeamsBot.Auth;

namespace OrderPlatform.TeamsBot.Connector;

/// <summary>An activity the bot sends; attachments carry their content as JSON (cards).</summary>
public sealed record OutgoingActivity(
    string Type,
    string? Text = null,
    IReadOnlyList<OutgoingAttachment>? Attachments = null,
    string? ReplyToId = null,
    string? TextFormat = null);

public sealed record OutgoingAttachment(string ContentType, JsonNode Content);

/// <summary>How a connector call ended. <see cref="Blocked"/> is the user having blocked or removed the app.</summary>
public sealed record ConnectorResult(bool Succeeded, string? ActivityId, int StatusCode, bool Blocked = false)
{
    public static ConnectorResult Refused { get; } = new(false, null, 0);
}

/// <summary>
/// The Bot Connector REST calls the bot needs (spec §5). This is the only retry layer for them: 429, 412, 5xx and
/// timeouts are retried with exponential backoff and jitter, honouring Retry-After up to 10 s; the client is not a
/// factory one, so the resilience handler the service defaults add cannot multiply the retries.
/// </summary>
public sealed partial class ConnectorClient(
    BotTokenProvider tokens,
    IOptions<BotOptions> options,
    IHostEnvironment environment,
    BotMetrics metrics,
    ILogger<ConnectorClient> logger) : IDisposable
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);
    private static readonly string[] AllowedHosts =
        ["smba.trafficmanager.net", "smba.infra.gcc.teams.microsoft.com", "smba.infra.gov.teams.microsoft.us"];

    private readonly BotOptions _options = options.Value;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public Task<ConnectorResult> SendAsync(string serviceUrl, string conversationId, OutgoingActivity activity, CancellationToken cancellationToken)
    {
        var path = $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities"
            + (activity.ReplyToId is { Length: > 0 } replyTo ? $"/{Uri.EscapeDataString(replyTo)}" : "");
        return CallAsync(HttpMethod.Post, serviceUrl, path, activity, cancellationToken);
    }

    public Task<ConnectorResult> UpdateAsync(
        string serviceUrl, string conversationId, string activityId, OutgoingActivity activity, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Put, serviceUrl,
            $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}",
            activity with { ReplyToId = null }, cancellationToken);

    /// <summary>The bearer token only goes to the Teams connector hosts (and a loopback fake in Development).</summary>
    public bool IsAllowedServiceUrl(string? serviceUrl) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri)
        && ((uri.Scheme == Uri.UriSchemeHttps && AllowedHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
            || (environment.IsDevelopment() && uri.IsLoopback));

    private async Task<ConnectorResult> CallAsync(
        HttpMethod method, string serviceUrl, string path, OutgoingActivity body, CancellationToken cancellationToken)
    {
        if (!IsAllowedServiceUrl(serviceUrl))
        {
            LogHostRefused(logger, SafeHost(serviceUrl));
            return ConnectorResult.Refused;
        }

        var uri = new Uri($"{serviceUrl.TrimEnd('/')}/{path}");
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            int status;
            try
            {
                using var request = new HttpRequestMessage(method, uri) { Content = JsonContent.Create(body, options: BotJson.Options) };
                request.Headers.Authorization = await tokens.GetAuthorizationAsync(cancellationToken);
                using var response = await _http.SendAsync(request, cancellationToken);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    return new ConnectorResult(true, await ReadIdAsync(response, cancellationToken), status);
                }

                if (response.StatusCode == HttpStatusCode.Forbidden && await IsWritesBlockedAsync(response, cancellationToken))
                {
                    LogBlocked(logger);
                    return new ConnectorResult(false, null, status, Blocked: true);
                }

                if (!IsTransient(response.StatusCode))
                {
                    LogPermanent(logger, method.Method, status);
                    return new ConnectorResult(false, null, status);
                }

                retryAfter = response.Headers.RetryAfter?.Delta
                    ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                status = 0;
            }

            if (attempt >= _options.MaxRetries)
            {
                LogGaveUp(logger, method.Method, status, attempt + 1);
                return new ConnectorResult(false, null, status);
            }

            metrics.OutboundRetried(status);
            await Task.Delay(Backoff(attempt, retryAfter), cancellationToken);
        }
    }

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait && wait > TimeSpan.Zero)
        {
            return wait < MaxRetryAfter ? wait : MaxRetryAfter;
        }

        // Exponential with ±50 % jitter so bots sharing a thread do not retry in lockstep.
        var exponential = _options.RetryBaseDelay * Math.Pow(2, attempt);
        return exponential * (0.5 + Random.Shared.NextDouble());
    }

    private static bool IsTransient(HttpStatusCode code) =>
        code is HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestTimeout
        || (int)code >= 500;

    private static async Task<bool> IsWritesBlockedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Contains("MessageWritesBlocked", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string?> ReadIdAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Teams may answer 201/202 with no body, or split a message and return no id at all.
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    ? id.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    private static string SafeHost(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "(invalid)";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusing to call a connector on host {Host}: not an allowed Teams service URL")]
    private static partial void LogHostRefused(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The user blocked or removed the bot (MessageWritesBlocked); not retrying")]
    private static partial void LogBlocked(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Method} failed permanently with {Status}")]
    private static partial void LogPermanent(ILogger logger, string method, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Method} still failing with {Status} after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string method, int status, int attempts);
}
