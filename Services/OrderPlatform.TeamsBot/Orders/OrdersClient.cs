using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrderPlatform.Contracts;

namespace OrderPlatform.TeamsBot.Orders;

/// <summary>A case's status as <c>GET /api/workflow/{id}/status</c> reports it; what the bot shows and checks.</summary>
public sealed record CaseStatusView(string CaseId, string Status, string? TenantId, string? UserId)
{
    /// <summary>The bot acts for the Teams user: only the user who sent the order, in its tenant, may see or answer it.</summary>
    public bool BelongsTo(string? tenantId, string? userId) =>
        tenantId is { Length: > 0 } && userId is { Length: > 0 } && TenantId == tenantId && UserId == userId;
}

/// <summary>
/// The platform Api as the bot uses it (base address <c>https+http://api</c> through service discovery, the
/// <c>X-Api-Key</c> header added by the client registration).
/// </summary>
public sealed class OrdersClient(HttpClient http)
{
    public const string ApiKeyHeader = "X-Api-Key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Posts the file to <c>POST /api/orders</c>; the Teams message id makes a connector retry idempotent.</summary>
    public async Task<OrderAccepted> CreateOrderAsync(
        Stream file, string fileName, ConversationReference conversation, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var content = new MultipartFormDataContent();
        var fileContent = new StreamContent(file);
        fileContent.Headers.ContentType = new MediaTypeHeaderValue(ContentTypeFor(fileName));
        content.Add(fileContent, "file", fileName);
        content.Add(new StringContent(conversation.TenantId), "tenantId");
        content.Add(new StringContent(conversation.UserId), "userId");
        content.Add(new StringContent(JsonSerializer.Serialize(conversation, Json)), "conversation");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = content };
        if (!string.IsNullOrEmpty(idempotencyKey))
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<OrderAccepted>(Json, cancellationToken)
            ?? throw new InvalidOperationException("The Api accepted the order without answering a case id.");
    }

    /// <summary>Sends a workflow signal; false when the case is unknown or no longer waits for it.</summary>
    public async Task<bool> SignalAsync(string caseId, SignalRequest signal, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"/api/workflow/{Uri.EscapeDataString(caseId)}/signal", signal, Json, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.BadRequest)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    public async Task<CaseStatusView?> GetStatusAsync(string caseId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/workflow/{Uri.EscapeDataString(caseId)}/status", cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var root = document.RootElement;
        var owner = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("case", out var stored) ? stored : default;
        return new CaseStatusView(Text(root, "caseId") ?? caseId, Text(root, "status") ?? "unknown", Text(owner, "tenantId"), Text(owner, "userId"));
    }

    /// <summary>The case when it belongs to this Teams user; another user's case reads as unknown.</summary>
    public async Task<CaseStatusView?> GetOwnStatusAsync(string caseId, string? tenantId, string? userId, CancellationToken cancellationToken) =>
        await GetStatusAsync(caseId, cancellationToken) is { } view && view.BelongsTo(tenantId, userId) ? view : null;

    /// <summary>Signals only a case of this Teams user (the bot's key may act for every tenant, so the bot checks).</summary>
    public async Task<bool> SignalOwnAsync(string caseId, string? tenantId, SignalRequest signal, CancellationToken cancellationToken) =>
        await GetOwnStatusAsync(caseId, tenantId, signal.UserId, cancellationToken) is not null && await SignalAsync(caseId, signal, cancellationToken);

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString()
            : null;

    private static string ContentTypeFor(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsm" => "application/vnd.ms-excel.sheet.macroEnabled.12",
        ".xls" => "application/vnd.ms-excel",
        ".csv" => "text/csv",
        _ => "application/octet-stream",
    };
}
