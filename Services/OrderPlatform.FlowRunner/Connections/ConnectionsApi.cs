using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OrderPlatform.FlowRunner.Connections;

/// <summary>
/// Connections under <c>/api/v1/connections</c> (API key, per-key limit): put (create or replace), list, get, delete.
/// The value is write-only: no route returns it, and it is read by hand so no binder or log sees it.
/// </summary>
public static partial class ConnectionsApi
{
    private const int MaxValueBytes = 64 * 1024;

    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/connections").WithTags("Connections").RequireAuthorization().AddEndpointFilter<Auth.PerKeyRateLimit>();
        group.MapGet("/", List);
        group.MapGet("/{name}", Get);
        group.MapPut("/{name}", Put).Accepts<ConnectionValue>("application/json");
        group.MapDelete("/{name}", Delete);
        return group;
    }

    /// <summary>What a put takes: any JSON value (a token string, or an object such as <c>{ "user": ..., "password": ... }</c>).</summary>
    public sealed record ConnectionValue(JsonNode Value);

    private static async Task<Ok<List<ConnectionInfo>>> List(ConnectionStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(null, ct));

    private static async Task<Results<Ok<ConnectionInfo>, NotFound>> Get(string name, ConnectionStore store, CancellationToken ct) =>
        (await store.ListAsync(name, ct)).FirstOrDefault() is { } connection ? TypedResults.Ok(connection) : TypedResults.NotFound();

    private static async Task<Results<Created<ConnectionInfo>, NoContent, ProblemHttpResult>> Put(string name, HttpContext http, ConnectionStore store, CancellationToken ct)
    {
        if (!NamePattern().IsMatch(name))
        {
            return Invalid("A connection name is letters, digits and '_', starting with a letter (at most 64).");
        }

        if (await Webhooks.WebhookRequest.ReadBodyAsync(http, MaxValueBytes) is not { } body)
        {
            return Invalid($"The connection document is over {MaxValueBytes} bytes.", 413);
        }

        JsonNode? value;
        try
        {
            // An array or a scalar is no document of this form (its indexer would throw): the same 400 as bad JSON.
            value = JsonNode.Parse(body) is JsonObject document ? document["value"] : null;
        }
        catch (JsonException)
        {
            // The parser's message can quote the input, which is a secret here.
            return Invalid("The body is not JSON of the form { \"value\": ... }.");
        }

        if (value is null)
        {
            return Invalid("value is required: a string or a JSON object.");
        }

        if (!await store.PutAsync(name, value, ct))
        {
            return TypedResults.NoContent();
        }

        var created = (await store.ListAsync(name, ct))[0];
        return TypedResults.Created($"/api/v1/connections/{name}", created);
    }

    private static async Task<Results<NoContent, NotFound>> Delete(string name, ConnectionStore store, CancellationToken ct) =>
        await store.DeleteAsync(name, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static ProblemHttpResult Invalid(string detail, int status = 400) =>
        TypedResults.Problem(statusCode: status, title: "Invalid connection", detail: detail);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();
}
