using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderPlatform.ServiceDefaults.Outbound;

namespace OrderPlatform.FlowRunner.Steps;

/// <summary>
/// The http step: one request through <see cref="OutboundHttp"/> (no redirects; private, loopback and link-local targets
/// only when <c>FlowRunner:Http:AllowedPrivateTargets</c> names them), with its own timeout and a response size cap. Its
/// output is <c>{ status, headers, body }</c> (body parsed when JSON). Not the resilient factory client on purpose:
/// retries are the step's <c>retryOnFailure</c>, visible in the step log, not hidden inside one attempt.
/// </summary>
public sealed class HttpStepRunner(IOptions<FlowRunnerOptions> options) : IDisposable
{
    private readonly HttpClient _client = new(OutboundHttp.CreateHandler(options.Value.Http.AllowedPrivateTargets)) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task<JsonNode> RunAsync(string method, string url, IReadOnlyDictionary<string, string>? headers, JsonNode? body, int? timeoutSeconds, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new StepFailure("HTTP_BAD_URL", $"'{url}' is not an absolute http or https URL.");
        }

        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), uri);
        if (body is not null)
        {
            request.Content = body is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? new StringContent(v.GetValue<string>(), Encoding.UTF8, "text/plain")
                : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.Remove(name);
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : options.Value.Http.DefaultTimeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var content = await ReadLimitedAsync(response.Content, timeout.Token);
            var output = new JsonObject
            {
                ["status"] = (int)response.StatusCode,
                ["headers"] = Headers(response.Headers, response.Content.Headers),
                ["body"] = Parse(response.Content.Headers.ContentType, content),
            };
            if (!response.IsSuccessStatusCode)
            {
                var retryable = (int)response.StatusCode is >= 500 or 429 or 408;
                throw new StepFailure("HTTP_STATUS", $"{method} {uri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}.", retryable);
            }

            return output;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new StepFailure("HTTP_TIMEOUT", $"{method} {uri.GetLeftPart(UriPartial.Path)} did not answer in time.", retryable: true);
        }
        catch (HttpRequestException e)
        {
            for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            {
                if (inner is OutboundRefusedException refused)
                {
                    throw new StepFailure("SSRF_BLOCKED", $"{refused.Message} Private, loopback and link-local targets need an entry in FlowRunner:Http:AllowedPrivateTargets.");
                }
            }

            throw new StepFailure("HTTP_CONNECT", $"{method} {uri.GetLeftPart(UriPartial.Path)} failed: {e.Message}", retryable: true);
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        var limit = options.Value.Http.MaxResponseBytes;
        using var buffer = await OutboundHttp.ReadCappedAsync(content, limit, ct)
            ?? throw new StepFailure("HTTP_RESPONSE_TOO_LARGE", $"The response is over {limit} bytes.");
        return buffer.ToArray();
    }

    private static JsonObject Headers(HttpResponseHeaders headers, HttpContentHeaders contentHeaders) =>
        new(headers.Concat(contentHeaders).Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)string.Join(", ", h.Value))));

    private static JsonNode? Parse(MediaTypeHeaderValue? type, byte[] content)
    {
        if (content.Length == 0)
        {
            return null;
        }

        if (type?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                return JsonNode.Parse(content);
            }
            catch (JsonException)
            {
                // Labelled JSON but not: keep the text.
            }
        }

        return Encoding.UTF8.GetString(content);
    }
}
