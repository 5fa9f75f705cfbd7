using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace OrderPlatform.TaskDispatcher.Completion;

/// <summary>
/// POSTs a completion signed with HMAC-SHA256 over <c>{timestamp}.{body}</c> (<c>X-Signature-256: sha256=hex</c>,
/// <c>X-Signature-Timestamp</c>), the message id as <c>Idempotency-Key</c>. No redirects are followed: the allow-list
/// checks the first address only.
/// </summary>
public sealed class WebhookSender(HttpClient http, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const string SignatureHeader = "X-Signature-256";
    public const string TimestampHeader = "X-Signature-Timestamp";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>True on a 2xx answer; false on any other answer or no answer.</summary>
    public async Task<bool> SendAsync(Uri url, CompletionReport report, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(report, Json);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", report.MessageId);
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Sign(options.Value.SigningKey, timestamp, body));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await http.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>Lowercase hex HMAC-SHA256 of <c>{timestamp}.{body}</c>; receivers recompute it to verify.</summary>
    public static string Sign(string key, string timestamp, ReadOnlySpan<byte> body)
    {
        var payload = new byte[Encoding.UTF8.GetByteCount(timestamp) + 1 + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, payload);
        payload[written] = (byte)'.';
        body.CopyTo(payload.AsSpan(written + 1));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), payload));
    }
}
