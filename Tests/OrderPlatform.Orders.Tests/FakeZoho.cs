using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// Zoho accounts + Books v3 on Kestrel, per specs/zoho-books.md: refresh-token form post answering
/// <c>api_domain</c>, <c>Zoho-oauthtoken</c> auth, <c>organization_id</c> on every call, list by
/// <c>reference_number</c>, 201 + <c>salesorder</c> on create, <c>{code, message}</c> errors.
/// </summary>
public sealed class FakeZoho : IAsyncDisposable
{
    public const string ClientId = "1000.ORDERSTESTS";
    public const string ClientSecret = "orders-client-secret-do-not-log";
    public const string RefreshToken = "1000.orders-refresh-do-not-log";
    public const string Organization = "20099887";

    private readonly ConcurrentDictionary<string, JsonObject> _orders = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _slowCreates = new();
    private readonly ConcurrentDictionary<string, int> _failingLookups = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _heldCreates = new();
    private WebApplication _app = null!;
    private int _counter;
    private int _creates;

    public Uri Address { get; private set; } = null!;

    public int CreateCalls => _creates;

    public int OrderCount => _orders.Count;

    public IReadOnlyList<JsonObject> OrdersFor(string reference) =>
        [.. _orders.Values.Where(o => o["reference_number"]?.ToString() == reference)];

    /// <summary>The create for this reference is stored at once but answered only after <paramref name="delay"/>.</summary>
    public void AnswerCreateLate(string reference, TimeSpan delay) => _slowCreates[reference] = delay;

    /// <summary>
    /// The create for this reference is stored and then never answered (until the caller goes away); the task completes
    /// when the create has arrived, so a test knows the activity is blocked inside the call.
    /// </summary>
    public Task HoldCreate(string reference) =>
        _heldCreates.GetOrAdd(reference, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Once an order with this reference exists, the next <paramref name="times"/> lookups for it answer 500.</summary>
    public void FailLookupsAfterCreate(string reference, int times) => _failingLookups[reference] = times;

    // Also compiled into bench/orders (linked), so it takes the token instead of reading xunit's TestContext.
    public static async Task<FakeZoho> StartAsync(CancellationToken cancellationToken)
    {
        var fake = new FakeZoho();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        fake._app = builder.Build();
        fake.Map(fake._app);
        await fake._app.StartAsync(cancellationToken);
        fake.Address = new Uri(fake._app.Urls.First());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/oauth/v2/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            return form["grant_type"] == "refresh_token" && form["client_id"] == ClientId && form["client_secret"] == ClientSecret
                && form["refresh_token"] == RefreshToken
                ? Results.Json(new { access_token = "1000.access", api_domain = Address.ToString().TrimEnd('/'), token_type = "Bearer", expires_in = 3600 })
                : Results.Json(new { error = "invalid_code" });
        });

        var books = app.MapGroup("/books/v3").AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (request.Headers.Authorization.ToString() != "Zoho-oauthtoken 1000.access")
            {
                return Results.Json(new { code = 57, message = "You are not authorized to perform this operation" }, statusCode: 401);
            }

            return request.Query["organization_id"] == Organization
                ? await next(context)
                : Results.Json(new { code = 6041, message = "Unknown organization." }, statusCode: 400);
        });

        books.MapGet("/salesorders", (HttpContext context) =>
        {
            var reference = context.Request.Query["reference_number"].ToString();
            if (_failingLookups.TryGetValue(reference, out var left) && left > 0 && OrdersFor(reference).Count > 0)
            {
                _failingLookups[reference] = left - 1;
                return Results.Json(new { code = 1000, message = "Internal error" }, statusCode: 500);
            }

            return Results.Json(new JsonObject
            {
                ["code"] = 0,
                ["message"] = "success",
                ["salesorders"] = new JsonArray([.. OrdersFor(reference).Select(o => o.DeepClone())]),
                ["page_context"] = new JsonObject { ["page"] = 1, ["per_page"] = 200, ["has_more_page"] = false },
            });
        });

        books.MapPost("/salesorders", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _creates);
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            if (body["customer_id"] is null || body["line_items"] is not JsonArray { Count: > 0 })
            {
                return Results.Json(new { code = 1002, message = "Customer does not exist." }, statusCode: 400);
            }

            var number = Interlocked.Increment(ref _counter);
            var order = new JsonObject
            {
                ["salesorder_id"] = $"4600000001{number:00000}",
                ["salesorder_number"] = $"SO-{number:00000}",
                ["reference_number"] = body["reference_number"]?.DeepClone(),
                ["customer_id"] = body["customer_id"]?.DeepClone(),
                ["line_items"] = body["line_items"]?.DeepClone(),
                ["status"] = "draft",
            };
            _orders[order["salesorder_id"]!.ToString()] = order;
            if (_slowCreates.TryRemove(body["reference_number"]?.ToString() ?? "", out var delay))
            {
                await Task.Delay(delay);
            }

            if (_heldCreates.TryRemove(body["reference_number"]?.ToString() ?? "", out var held))
            {
                held.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The caller (a killed worker) went away: there is nobody left to answer.
                    return Results.Empty;
                }
            }

            return Results.Json(new JsonObject { ["code"] = 0, ["message"] = "Sales Order has been created.", ["salesorder"] = order.DeepClone() },
                statusCode: 201);
        });
    }
}
