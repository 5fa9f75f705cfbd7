using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Templating;

namespace OrderPlatform.FlowRunner.Webhooks;

/// <summary>Reading a webhook request: the raw body under a limit, signature, idempotency key, headers and query.</summary>
public static class WebhookRequest
{
    /// <summary>The raw body, or null when it is over <paramref name="limit"/> bytes (declared or actual).</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpContext http, long limit)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        using var buffer = new MemoryStream(http.Request.ContentLength is { } length ? (int)length : 0);
        // Pooled: a fresh 80 KB chunk per webhook was most of the ingest path's allocation at 500 req/s.
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        int read;
        try
        {
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel counted past the limit set above (a chunked body declares no length).
            return null;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    public static bool SignatureValid(HttpRequest request, string header, string? secret, byte[] body)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        var presented = request.Headers[header].ToString();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented.ToLowerInvariant()), Encoding.ASCII.GetBytes(expected));
    }

    public static string? IdempotencyKey(HttpRequest request, IdempotencyKeySource? source, byte[] body)
    {
        if (source?.Header is { } header)
        {
            var value = request.Headers[header].ToString();
            return value.Length > 0 ? value : null;
        }

        if (source?.JsonPath is not { } path)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject json && Template.ResolveText("{{" + path + "}}", json) is { Length: > 0 } key ? key : null;
        }
        catch (Exception e) when (e is JsonException or TemplateException)
        {
            return null;
        }
    }

    public static JsonObject Headers(HttpRequest request) =>
        new(request.Headers.Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)h.Value.ToString())));

    public static JsonObject Query(HttpRequest request) =>
        new(request.Query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value.ToString())));
}
