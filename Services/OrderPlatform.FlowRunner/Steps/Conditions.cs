using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Templating;

namespace OrderPlatform.FlowRunner.Steps;

/// <summary>Router conditions: a branch matches when any AND-group has all its conditions true.</summary>
public static class Conditions
{
    public static bool Matches(RouterBranch branch, JsonObject state) =>
        branch.Conditions.Any(group => group.Count > 0 && group.All(c => Evaluate(c, state)));

    public static bool Evaluate(Condition condition, JsonObject state)
    {
        var left = Template.Resolve(condition.Left, state);
        var right = Template.Resolve(condition.Right, state);
        return condition.Operator switch
        {
            "textEquals" => Text(left) == Text(right),
            "textNotEquals" => Text(left) != Text(right),
            "textContains" => Text(left).Contains(Text(right), StringComparison.Ordinal),
            "numberEquals" => Number(left) is { } a && Number(right) is { } b && a == b,
            "numberGreaterThan" => Number(left) is { } a2 && Number(right) is { } b2 && a2 > b2,
            "numberLessThan" => Number(left) is { } a3 && Number(right) is { } b3 && a3 < b3,
            "exists" => left is not null && Text(left).Length > 0,
            "notExists" => left is null || Text(left).Length == 0,
            "isTrue" => Bool(left) == true,
            "isFalse" => Bool(left) == false,
            "listContains" => left is JsonArray list && list.Any(i => Text(i) == Text(right)),
            _ => throw new StepFailure("ROUTER_OPERATOR", $"Unknown operator '{condition.Operator}'."),
        };
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static bool? Bool(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() is JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() is JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b) => b,
        _ => null,
    };
}
