using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace OrderPlatform.FlowRunner.Runs;

/// <summary>
/// A run's trigger as templates see it, <c>{ method, headers, query, body }</c>, read from the <c>run_payload</c>
/// columns of <see cref="Columns"/> wherever a statement selects them (the claim returns them, saving a round trip).
/// </summary>
internal static class TriggerPayload
{
    /// <summary>The columns to select, in this order, from <c>run_payload</c> aliased <c>p</c>.</summary>
    public const string Columns = "p.method, p.headers::text, p.query::text, p.content_type, p.body, p.body_blob";

    /// <summary>The trigger from the six columns starting at <paramref name="first"/>; empty when the run has no payload row.</summary>
    public static async Task<JsonObject> ReadAsync(NpgsqlDataReader reader, int first, Blobs.RunBlobs blobs, CancellationToken ct)
    {
        if (reader.IsDBNull(first))
        {
            return [];
        }

        var body = reader.IsDBNull(first + 5) ? (byte[])reader[first + 4] : (await blobs.GetAsync(reader.GetString(first + 5), ct)).ToArray();
        return new JsonObject
        {
            ["method"] = reader.GetString(first),
            ["headers"] = JsonNode.Parse(reader.GetString(first + 1)),
            ["query"] = JsonNode.Parse(reader.GetString(first + 2)),
            ["body"] = ParseBody(reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3), body),
        };
    }

    /// <summary>A JSON body parsed; anything else (or JSON that does not parse) as its text; null when empty.</summary>
    public static JsonNode? ParseBody(string? contentType, byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                return JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                // Not JSON after all: the step sees the text, as it would for any other content type.
            }
        }

        return JsonValue.Create(Encoding.UTF8.GetString(body));
    }
}
