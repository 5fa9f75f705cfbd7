using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OrderPlatform.Contracts;

namespace OrderPlatform.TeamsBot.Tests.Fakes;

public sealed record ReceivedOrder(
    string CaseId, string FileName, byte[] Bytes, string TenantId, string UserId, ConversationReference? Conversation, string? IdempotencyKey);

/// <summary>
/// The platform Api as the contract describes it: <c>POST /api/orders</c> (multipart, X-Api-Key, Idempotency-Key,
/// 202 OrderAccepted), <c>POST /api/workflow/{id}/signal</c> and <c>GET /api/workflow/{id}/status</c>.
/// </summary>
public sealed class FakeOrdersApi : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly ConcurrentDictionary<string, ReceivedOrder> _orders = new();
    private readonly ConcurrentQueue<(string CaseId, SignalRequest Signal)> _signals = new();
    private LoopbackServer _server = null!;

    public string BaseUrl => _server.BaseUrl;

    public IReadOnlyList<ReceivedOrder> Orders => [.. _orders.Values];

    public IReadOnlyList<(string CaseId, SignalRequest Signal)> Signals => [.. _signals];

    /// <summary>Cases known to the fake that do not wait for corrections: signals to them answer 409.</summary>
    public ConcurrentDictionary<string, bool> ClosedCases { get; } = new();

    /// <summary>Cases the fake knows besides the uploaded ones, with the tenant and user they belong to.</summary>
    public ConcurrentDictionary<string, (string TenantId, string UserId)> KnownCases { get; } = new();

    /// <summary>When set, uploads answer this status (an Api in trouble).</summary>
    public int? UploadStatus { get; set; }

    /// <summary>How long the status route takes to answer (an Api that hangs).</summary>
    public TimeSpan StatusDelay { get; set; }

    public static async Task<FakeOrdersApi> StartAsync()
    {
        var api = new FakeOrdersApi();
        api._server = await LoopbackServer.StartAsync(api.Map);
        return api;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static IResult Status(string id, string tenantId, string userId) =>
        Results.Json(new { caseId = id, status = "AwaitingCorrections", @case = new { id, tenantId, userId } });

    private void Map(WebApplication app)
    {
        var group = app.MapGroup("/api").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers["X-Api-Key"] == BotApp.ApiKey ? await next(context) : Results.Unauthorized());

        group.MapPost("/orders", async (HttpRequest request) =>
        {
            if (UploadStatus is { } status)
            {
                return Results.StatusCode(status);
            }

            var form = await request.ReadFormAsync();
            var file = form.Files.GetFile("file");
            if (file is null || string.IsNullOrEmpty(form["tenantId"]) || string.IsNullOrEmpty(form["userId"]))
            {
                return Results.BadRequest();
            }

            var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
            var existing = _orders.Values.FirstOrDefault(o => idempotencyKey is not null && o.IdempotencyKey == idempotencyKey);
            var caseId = existing?.CaseId ?? $"case-{Guid.NewGuid():N}"[..17];
            using var bytes = new MemoryStream();
            await file.CopyToAsync(bytes);
            var conversation = form["conversation"].FirstOrDefault() is { Length: > 0 } json
                ? JsonSerializer.Deserialize<ConversationReference>(json, Json)
                : null;
            _orders[caseId] = new ReceivedOrder(caseId, file.FileName, bytes.ToArray(), form["tenantId"]!, form["userId"]!, conversation, idempotencyKey);
            var statusUrl = $"/api/workflow/{caseId}/status";
            return Results.Json(new OrderAccepted(caseId, CaseStatus.Received, statusUrl), Json, statusCode: 202);
        }).DisableAntiforgery();

        group.MapPost("/workflow/{id}/signal", (string id, SignalRequest signal) =>
        {
            if (ClosedCases.ContainsKey(id))
            {
                return Results.Conflict();
            }

            _signals.Enqueue((id, signal));
            return Results.Accepted();
        });

        // The real Api answers the case document under "case"; the bot reads its tenant and user from there.
        group.MapGet("/workflow/{id}/status", async (string id, HttpContext context) =>
        {
            await Task.Delay(StatusDelay, context.RequestAborted);
            return _orders.TryGetValue(id, out var order) ? Status(id, order.TenantId, order.UserId)
                : KnownCases.TryGetValue(id, out var known) ? Status(id, known.TenantId, known.UserId)
                : Results.NotFound();
        });
    }
}
