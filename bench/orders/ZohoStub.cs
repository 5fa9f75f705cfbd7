using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>
/// Zoho accounts + Books v3 just far enough for create-zoho-draft (token refresh, list by reference, create), answering
/// at once, so the upload→draft figures measure OrderPlatform and not a network.
/// </summary>
internal sealed class ZohoStub : IAsyncDisposable
{
    public const string ClientId = "1000.BENCH";
    public const string ClientSecret = "bench-secret";
    public const string RefreshToken = "1000.bench-refresh";
    public const string Organization = "20099887";

    private readonly ConcurrentDictionary<string, JsonObject> _byReference = new();
    private WebApplication _app = null!;
    private int _counter;

    public Uri Address { get; private set; } = null!;

    public int Orders => _byReference.Count;

    public static async Task<ZohoStub> StartAsync()
    {
        var stub = new ZohoStub();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        stub._app = builder.Build();
        stub._app.MapPost("/oauth/v2/token", () =>
            Results.Json(new { access_token = "1000.access", api_domain = stub.Address.ToString().TrimEnd('/'), token_type = "Bearer", expires_in = 3600 }));
        stub._app.MapGet("/books/v3/salesorders", (HttpContext context) => Results.Json(new JsonObject
        {
            ["code"] = 0,
            ["message"] = "success",
            ["salesorders"] = Found(stub, context.Request.Query["reference_number"].ToString()),
            ["page_context"] = new JsonObject { ["page"] = 1, ["per_page"] = 200, ["has_more_page"] = false },
        }));
        stub._app.MapPost("/books/v3/salesorders", async (HttpContext context) =>
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var number = Interlocked.Increment(ref stub._counter);
            var order = new JsonObject
            {
                ["salesorder_id"] = $"4600000001{number:00000}",
                ["salesorder_number"] = $"SO-{number:00000}",
                ["reference_number"] = body["reference_number"]?.DeepClone(),
                ["customer_id"] = body["customer_id"]?.DeepClone(),
                ["status"] = "draft",
            };
            stub._byReference[body["reference_number"]?.ToString() ?? ""] = order;
            return Results.Json(new JsonObject { ["code"] = 0, ["message"] = "Sales Order has been created.", ["salesorder"] = order.DeepClone() },
                statusCode: 201);
        });
        await stub._app.StartAsync();
        stub.Address = new Uri(stub._app.Urls.First());
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static JsonArray Found(ZohoStub stub, string reference) =>
        stub._byReference.TryGetValue(reference, out var order) ? [order.DeepClone()] : [];
}
