using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Core;

namespace OrderPlatform.TaskDispatcher.Backends.Arm;

/// <summary>
/// The ARM REST calls the Aci and Container Apps Jobs backends share: a bearer token for the ARM audience on every
/// request, 429 waited out per Retry-After (ARM's throttling answer; the request was not processed, so resending a
/// PUT or a start is safe), ARM's error code surfaced as <see cref="ArmException"/>, and 202 operations followed.
/// </summary>
public sealed class ArmClient(HttpClient http, TokenCredential credential, Uri endpoint, TimeProvider time, ILogger logger)
{
    private const int MaxThrottleRetries = 5;
    private const int MaxOperationPolls = 600;
    private static readonly string[] Scopes = ["https://management.azure.com/.default"];

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(endpoint, path));
            var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= MaxThrottleRetries)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(Math.Pow(2, attempt));
            logger.LogWarning("ARM throttled {Method} {Path}; retrying after {Wait}", method, path.Split('?')[0], wait);
            response.Dispose();
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>The JSON body of a successful answer; null for 404 when <paramref name="notFoundIsNull"/>.</summary>
    public async Task<JsonNode?> GetJsonAsync(string path, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken) ?? throw new ArmException($"ARM answered an empty body for {path.Split('?')[0]}.");
    }

    /// <summary>
    /// A 202's outcome: the <c>Location</c> URL answers 202 while the operation runs and then the final result (ARM's
    /// async pattern, as Jobs - Start and Stop Execution document it). Null when the answer was final already.
    /// </summary>
    public async Task<JsonNode?> FollowLocationAsync(HttpResponseMessage accepted, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (accepted.StatusCode != HttpStatusCode.Accepted || accepted.Headers.Location is not { } location)
        {
            return null;
        }

        for (var poll = 0; poll < MaxOperationPolls; poll++)
        {
            await Task.Delay(accepted.Headers.RetryAfter?.Delta is { } after && after < interval ? after : interval, time, cancellationToken);
            // Always against the configured endpoint: the bearer token never goes to a host a response named.
            using var response = await SendAsync(HttpMethod.Get, location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, null, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                continue;
            }

            await EnsureSuccessAsync(response, cancellationToken);
            return response.Content.Headers.ContentLength == 0 ? new JsonObject() : await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken) ?? new JsonObject();
        }

        throw new ArmException($"ARM's operation at {location.AbsolutePath} did not finish after {MaxOperationPolls} polls.");
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        // ARM's error code (QuotaExceeded, ContainerGroupQuotaReached...) names the problem; the body may name resources, not secrets.
        string code;
        try
        {
            var error = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false);
            code = error?["error"]?["code"]?.GetValue<string>() ?? "Unknown";
        }
        catch (System.Text.Json.JsonException)
        {
            code = "Unknown";
        }

        throw new ArmException($"ARM answered {(int)response.StatusCode} {code}.") { Code = code, Status = (int)response.StatusCode };
    }
}

/// <summary>An ARM failure: <see cref="Code"/> is ARM's error code (quota errors among them).</summary>
public sealed class ArmException(string message) : Exception(message)
{
    public string Code { get; init; } = "";

    public int Status { get; init; }
}
