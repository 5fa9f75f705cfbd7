using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace OrderPlatform.Worker.Zoho;

/// <summary>
/// Zoho Books API calls (spec §3–§7): every call throttled, authorised with <c>Zoho-oauthtoken</c>, retried once after
/// a token refresh on 401 (or code 57), and mapped to <see cref="ZohoException"/> on the HTTP status first.
/// </summary>
public sealed class ZohoBooksClient(ZohoHttp http, ZohoTokenProvider tokens, ZohoThrottle throttle,
    IOptions<ZohoOptions> options, ILogger<ZohoBooksClient> logger)
{
    private const int InvalidTokenCode = 57;

    private readonly ZohoOptions _options = options.Value;

    public async Task<IReadOnlyList<ZohoSalesOrder>> FindSalesOrdersByReferenceAsync(string reference, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, "salesorders", $"reference_number={Uri.EscapeDataString(reference)}", null, cancellationToken)
            .ConfigureAwait(false);
        return (body["salesorders"]?.AsArray() ?? [])
            .Select(ToSalesOrder)
            .OfType<ZohoSalesOrder>()
            .Where(o => o.ReferenceNumber == reference)
            .ToList();
    }

    public async Task<ZohoSalesOrder> CreateSalesOrderAsync(ZohoSalesOrderRequest request, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(request, ZohoJson.Options);
        var body = await SendAsync(HttpMethod.Post, "salesorders", null, json, cancellationToken).ConfigureAwait(false);
        // Books examples wrap the order in "salesorder", the Inventory OpenAPI copy in "sales_order" (spec §8.1).
        return ToSalesOrder(body["salesorder"] ?? body["sales_order"])
            ?? throw new ZohoException(ZohoErrorKind.UnexpectedResponse, "Zoho created the sales order but its answer named no salesorder_id.");
    }

    /// <summary>A read-only call with the same throttle, token and error handling as every other call.</summary>
    internal Task<JsonNode> GetAsync(string path, string query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, query, null, cancellationToken);

    internal static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ZohoSalesOrder? ToSalesOrder(JsonNode? node) => node?["salesorder_id"]?.ToString() is { Length: > 0 } id
        ? new ZohoSalesOrder(id, node["salesorder_number"]?.ToString(), node["reference_number"]?.ToString(), node["status"]?.ToString())
        : null;

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? query, string? json, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            var (status, body) = await SendOnceAsync(method, path, query, json, token, cancellationToken).ConfigureAwait(false);
            var code = body?["code"]?.GetValue<int>();
            if (status is 200 or 201 && code is null or 0 && body is not null)
            {
                return body;
            }

            if ((status == 401 || code == InvalidTokenCode) && attempt == 0)
            {
                logger.LogWarning("Zoho rejected the access token on {Method} /{Path}; refreshing once", method, path);
                tokens.Invalidate(token);
                continue;
            }

            var message = body?["message"]?.ToString() ?? "no message";
            logger.LogWarning("Zoho {Method} /{Path} failed: HTTP {Status}, code {Code}, {Message}", method, path, status, code, message);
            throw new ZohoException(KindOf(status, code), $"Zoho Books answered {method} /{path} with HTTP {status}, code {code?.ToString() ?? "none"}: {message}",
                status, code);
        }
    }

    private async Task<(int Status, JsonNode? Body)> SendOnceAsync(HttpMethod method, string path, string? query, string? json,
        ZohoAccessToken token, CancellationToken cancellationToken)
    {
        var organization = $"organization_id={Uri.EscapeDataString(_options.OrganizationId ?? "")}";
        var uri = new Uri(token.ApiDomain, $"/books/{_options.ApiVersion}/{path}?{organization}{(query is null ? "" : "&" + query)}");
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Zoho-oauthtoken", token.Value);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await http.Client.SendAsync(request, timeout.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, await ReadJsonAsync(response, timeout.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ZohoException(ZohoErrorKind.Timeout, $"Zoho Books did not answer {method} /{path} within {_options.RequestTimeout.TotalSeconds:0.#} s.", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ZohoException(ZohoErrorKind.Network, $"Zoho Books could not be reached for {method} /{path}.", inner: ex);
        }
    }

    private static ZohoErrorKind KindOf(int status, int? code) => status switch
    {
        (int)HttpStatusCode.BadRequest => ZohoErrorKind.Validation,
        (int)HttpStatusCode.Unauthorized => ZohoErrorKind.Unauthorized,
        (int)HttpStatusCode.NotFound => ZohoErrorKind.NotFound,
        (int)HttpStatusCode.MethodNotAllowed => ZohoErrorKind.MethodNotAllowed,
        (int)HttpStatusCode.TooManyRequests => ZohoErrorKind.RateLimited,
        >= 500 => ZohoErrorKind.ServerError,
        _ when code == InvalidTokenCode => ZohoErrorKind.Unauthorized,
        _ => ZohoErrorKind.UnexpectedResponse,
    };
}
