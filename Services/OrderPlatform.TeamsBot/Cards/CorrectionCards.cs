using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Activities;
using OrderPlatform.TeamsBot.Connector;

namespace OrderPlatform.TeamsBot.Cards;

/// <summary>
/// Adaptive Cards (schema 1.5, the highest Teams renders fully) for the corrections round trip. Input ids encode
/// where an answer belongs: <c>field:{name}</c> for header fields, <c>line:{row}:{member}</c> for order lines.
/// </summary>
public static class CorrectionCards
{
    public const string Verb = "corrections";
    private const string FieldPrefix = "field:";
    private const string LinePrefix = "line:";

    public static OutgoingAttachment Corrections(string caseId, IReadOnlyList<UncertainField> fields, int? total = null)
    {
        var body = new JsonArray
        {
            Text($"Order {caseId} needs a few answers", weight: "Bolder", size: "Medium"),
            Text("Please check these values and correct them where needed."),
        };
        if (total > fields.Count)
        {
            body.Add(Text(string.Create(CultureInfo.InvariantCulture,
                $"Showing {fields.Count} of {total:N0} questions; the next ones follow once these are answered.")));
        }

        foreach (var field in fields)
        {
            body.Add(Input(field));
        }

        var data = new JsonObject { ["caseId"] = caseId, ["verb"] = Verb };
        var execute = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = "Send corrections",
            ["verb"] = Verb,
            ["data"] = data.DeepClone(),
            // Older clients without Universal Actions post the same data as a message instead.
            ["fallback"] = new JsonObject { ["type"] = "Action.Submit", ["title"] = "Send corrections", ["data"] = data.DeepClone() },
        };
        return Card(body, new JsonArray { execute });
    }

    public static OutgoingAttachment Confirmation(string caseId) => Card(
        new JsonArray
        {
            Text($"Thanks — corrections for order {caseId} received.", weight: "Bolder"),
            Text("Processing… I'll send the draft when it's ready."),
        },
        actions: null);

    public static OutgoingAttachment Notice(string message) => Card(new JsonArray { Text(message) }, actions: null);

    /// <summary>Reads the case id and answers from a card's data merged with its inputs (Execute or Submit).</summary>
    public static (string? CaseId, CorrectionsPayload Payload) ReadAnswers(JsonElement data)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new Dictionary<int, LineCorrection>();
        string? caseId = null;
        if (data.ValueKind != JsonValueKind.Object)
        {
            return (null, new CorrectionsPayload(fields));
        }

        foreach (var property in data.EnumerateObject())
        {
            var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()?.Trim() : property.Value.ToString();
            if (property.NameEquals("caseId"))
            {
                caseId = value;
            }
            else if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            else if (property.Name.StartsWith(FieldPrefix, StringComparison.Ordinal))
            {
                fields[property.Name[FieldPrefix.Length..]] = value;
            }
            else if (TryParseLine(property.Name, out var row, out var member))
            {
                var line = lines.GetValueOrDefault(row) ?? new LineCorrection(row);
                lines[row] = Apply(line, member, value);
            }
        }

        return (caseId, new CorrectionsPayload(fields, lines.Count == 0 ? null : [.. lines.Values.OrderBy(l => l.RowNumber)]));
    }

    private static LineCorrection Apply(LineCorrection line, string member, string value) => member switch
    {
        "sku" => line with { Sku = value },
        "itemId" => line with { ItemId = value },
        "quantity" when decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var q) => line with { Quantity = q },
        "unitPrice" when decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var p) => line with { UnitPrice = p },
        _ => line,
    };

    private static bool TryParseLine(string name, out int row, out string member)
    {
        row = 0;
        member = "";
        var parts = name.Split(':');
        if (parts.Length != 3 || parts[0] + ":" != LinePrefix || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out row))
        {
            return false;
        }

        member = parts[2];
        return true;
    }

    private static JsonObject Input(UncertainField field)
    {
        var id = field.RowNumber is { } row ? $"{LinePrefix}{row}:{field.Field}" : FieldPrefix + field.Field;
        var label = field.RowNumber is { } r ? $"{field.Label} (row {r})" : field.Label;
        if (field.Reason is { Length: > 0 } reason)
        {
            label = $"{label} — {reason}";
        }

        var input = field.Choices is { Count: > 0 } choices
            ? new JsonObject
            {
                ["type"] = "Input.ChoiceSet",
                ["style"] = "compact",
                ["choices"] = new JsonArray([.. choices.Select(c => (JsonNode)new JsonObject { ["title"] = c, ["value"] = c })]),
            }
            : new JsonObject { ["type"] = "Input.Text" };
        input["id"] = id;
        input["label"] = label;
        if (field.Value is not null)
        {
            input["value"] = field.Value;
        }

        return input;
    }

    private static JsonObject Text(string text, string? weight = null, string? size = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (weight is not null)
        {
            block["weight"] = weight;
        }

        if (size is not null)
        {
            block["size"] = size;
        }

        return block;
    }

    private static OutgoingAttachment Card(JsonArray body, JsonArray? actions)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = body,
        };
        if (actions is not null)
        {
            card["actions"] = actions;
        }

        return new OutgoingAttachment(ActivityTypes.AdaptiveCard, card);
    }
}
