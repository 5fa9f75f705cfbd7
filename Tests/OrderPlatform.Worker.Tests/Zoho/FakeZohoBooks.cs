using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrderPlatform.Worker.Tests.Zoho;

/// <summary>
/// Zoho accounts server and Books v3 in one Kestrel app, following the documented API: form-field token refresh that
/// answers bad credentials with 200 + error, <c>Zoho-oauthtoken</c> auth with 401/code 57, <c>organization_id</c> on
/// every call, <c>reference_number</c> list filter, 201 + <c>salesorder</c> on create, <c>{code, message}</c> errors.
/// </summary>
public sealed class FakeZohoBooks : IAsyncDisposable
{
    public const string ClientId = "1000.CLIENTID";
    public const string ClientSecret = "client-secret-do-not-log-7f1c";
    public const string RefreshToken = "1000.refresh-token-do-not-log-9a2b";
    public const string Organization = "20099887";

    private readonly ConcurrentDictionary<string, JsonObject> _orders = new();
    private readonly ConcurrentQueue<(int Status, int Code, string Message)> _failures = new();
    private readonly ConcurrentQueue<(int Status, int Code, string Message)> _createFailures = new();
    private FakeServer _server = null!;
    private int _tokenCounter;
    private int _orderCounter;
    private volatile string _validToken = "";

    public int TokenRefreshes => _tokenCounter;

    public int CreateCalls;

    public int LookupCalls;

    public int ExpiresIn { get; set; } = 3600;

    /// <summary>The next create is stored at once but answered only after this delay (a timeout with a landed write).</summary>
    public TimeSpan? DelayNextCreateResponse { get; set; }

    public ConcurrentQueue<JsonObject> CreateBodies { get; } = new();

    public IReadOnlyCollection<JsonObject> Orders => [.. _orders.Values];

    public Uri Address => _server.Address;

    public static async Task<FakeZohoBooks> StartAsync()
    {
        var fake = new FakeZohoBooks();
        fake._server = await FakeServer.StartAsync(fake.Map);
        return fake;
    }

    public void RevokeTokens() => _validToken = "revoked";

    public void FailNext(int status, int code, string message) => _failures.Enqueue((status, code, message));

    /// <summary>The next create fails without storing anything.</summary>
    public void FailNextCreate(int status, int code, string message) => _createFailures.Enqueue((status, code, message));

    public void Seed(string reference) => Store(new JsonObject { ["reference_number"] = reference, ["customer_id"] = "1" });

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private void Map(WebApplication app)
    {
        app.MapPost("/oauth/v2/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            if (form["grant_type"] != "refresh_token" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret
                || form["refresh_token"] != RefreshToken)
            {
                return Results.Json(new { error = "invalid_code" });
            }

            var token = $"1000.access-{Interlocked.Increment(ref _tokenCounter)}-secret";
            _validToken = token;
            return Results.Json(new { access_token = token, api_domain = Address.ToString().TrimEnd('/'), token_type = "Bearer", expires_in = ExpiresIn });
        });

        var books = app.MapGroup("/books/v3").AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (request.Headers.Authorization.ToString() != $"Zoho-oauthtoken {_validToken}")
            {
                return Results.Json(new { code = 57, message = "You are not authorized to perform this operation" }, statusCode: 401);
            }

            if (request.Query["organization_id"] != Organization)
            {
                return Results.Json(new { code = 6041, message = "This user is not associated with the CompanyID/CompanyName:." }, statusCode: 400);
            }

            return _failures.TryDequeue(out var failure)
                ? Results.Json(new { code = failure.Code, message = failure.Message }, statusCode: failure.Status)
                : await next(context);
        });

        books.MapGet("/salesorders", (HttpContext context) =>
        {
            Interlocked.Increment(ref LookupCalls);
            string? reference = context.Request.Query["reference_number"];
            var hits = _orders.Values.Where(o => reference is null || o["reference_number"]?.ToString() == reference)
                .Select(o => o.DeepClone()).ToArray();
            return Results.Json(new JsonObject
            {
                ["code"] = 0,
                ["message"] = "success",
                ["salesorders"] = new JsonArray(hits),
                ["page_context"] = new JsonObject { ["page"] = 1, ["per_page"] = 200, ["has_more_page"] = false },
            });
        });

        books.MapPost("/salesorders", async (HttpContext context) =>
        {
            Interlocked.Increment(ref CreateCalls);
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            CreateBodies.Enqueue(body);
            if (_createFailures.TryDequeue(out var failure))
            {
                return Results.Json(new { code = failure.Code, message = failure.Message }, statusCode: failure.Status);
            }

            if (body["customer_id"] is null || body["line_items"] is not JsonArray { Count: > 0 })
            {
                return Results.Json(new { code = 1002, message = "Customer does not exist." }, statusCode: 400);
            }

            var order = Store(body);
            if (DelayNextCreateResponse is { } delay)
            {
                DelayNextCreateResponse = null;
                await Task.Delay(delay);
            }

            return Results.Json(new JsonObject { ["code"] = 0, ["message"] = "Sales Order has been created.", ["salesorder"] = order.DeepClone() },
                statusCode: 201);
        });
    }

    private JsonObject Store(JsonObject body)
    {
        var number = Interlocked.Increment(ref _orderCounter);
        var order = new JsonObject
        {
            ["salesorder_id"] = $"4600000000{number:00000}",
            ["salesorder_number"] = $"SO-{number:00000}",
            ["reference_number"] = body["reference_number"]?.DeepClone(),
            ["customer_id"] = body["customer_id"]?.DeepClone(),
            ["status"] = "draft",
        };
        _orders[order["salesorder_id"]!.ToString()] = order;
        return order;
    }
}
