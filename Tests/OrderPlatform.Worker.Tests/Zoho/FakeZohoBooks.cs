using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrderPlatform.Worker.Tests.Zoho;

/// <summary>
/// Zoho accounts server and Books v3 in one Kestrel app, following the documented API: form-field token refresh that
/// answers bad credentials with 200 + error, <c>Zoho-oauthtoken</c> auth with 401/code 57, <c>organization_id</c> on
/// every call, <c>reference_number</c> list filter, 201 + <c>salesorder</c> on create, <c>{code, message}</c> errors, and
/// paged <c>/items</c> and <c>/contacts</c> lists (<c>page</c>, <c>per_page</c> up to 200, <c>page_context.has_more_page</c>).
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
    private readonly ConcurrentQueue<(string Path, int Page)> _pageFailures = new();
    private FakeServer _server = null!;
    private int _tokenCounter;
    private int _orderCounter;
    private volatile string _validToken = "";

    public int TokenRefreshes => _tokenCounter;

    public int CreateCalls;

    public int LookupCalls;

    public int ExpiresIn { get; set; } = 3600;

    /// <summary>What the token response names as <c>api_domain</c>; the fake's own address when null.</summary>
    public string? ApiDomain { get; set; }

    /// <summary>The next create is stored at once but answered only after this delay (a timeout with a landed write).</summary>
    public TimeSpan? DelayNextCreateResponse { get; set; }

    public ConcurrentQueue<JsonObject> CreateBodies { get; } = new();

    public IReadOnlyCollection<JsonObject> Orders => [.. _orders.Values];

    public Uri Address => _server.Address;

    /// <summary>The catalogue <c>GET /items</c> lists; each entry is an item as Books returns it.</summary>
    public List<JsonObject> Items { get; } = [];

    /// <summary>What <c>GET /contacts</c> lists; <c>contact_type</c> filters on each entry's own field.</summary>
    public List<JsonObject> Contacts { get; } = [];

    /// <summary>Every list request as "path page per_page", in order.</summary>
    public ConcurrentQueue<string> ListRequests { get; } = new();

    /// <summary>The next request for this page of <c>/items</c> or <c>/contacts</c> answers 500, code 1000.</summary>
    public void FailPage(string path, int page) => _pageFailures.Enqueue((path, page));

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
            return Results.Json(new { access_token = token, api_domain = ApiDomain ?? Address.ToString().TrimEnd('/'), token_type = "Bearer", expires_in = ExpiresIn });
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

        books.MapGet("/items", (HttpContext context) => ListPage(context, "items", Items, _ => true));
        books.MapGet("/contacts", (HttpContext context) =>
        {
            string? type = context.Request.Query["contact_type"];
            return ListPage(context, "contacts", Contacts, c => type is null || c["contact_type"]?.ToString() == type);
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

    private IResult ListPage(HttpContext context, string key, List<JsonObject> source, Func<JsonObject, bool> filter)
    {
        var page = int.TryParse(context.Request.Query["page"], out var p) && p > 0 ? p : 1;
        var perPage = int.TryParse(context.Request.Query["per_page"], out var n) ? Math.Clamp(n, 1, 200) : 200;
        ListRequests.Enqueue($"{key} {page} {perPage}");
        if (_pageFailures.TryPeek(out var failure) && failure.Path == key && failure.Page == page && _pageFailures.TryDequeue(out _))
        {
            return Results.Json(new { code = 1000, message = "Internal Error" }, statusCode: 500);
        }

        var active = context.Request.Query["filter_by"] == "Status.Active";
        JsonObject[] all;
        lock (source)
        {
            all = [.. source.Where(filter).Where(e => !active || e["status"]?.ToString() is null or "active")];
        }

        var rows = all.Skip((page - 1) * perPage).Take(perPage).Select(e => e.DeepClone()).ToArray();
        return Results.Json(new JsonObject
        {
            ["code"] = 0,
            ["message"] = "success",
            [key] = new JsonArray(rows),
            ["page_context"] = new JsonObject { ["page"] = page, ["per_page"] = perPage, ["has_more_page"] = page * perPage < all.Length },
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
