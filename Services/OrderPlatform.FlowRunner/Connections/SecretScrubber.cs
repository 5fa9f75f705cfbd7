using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Templating;

namespace OrderPlatform.FlowRunner.Connections;

/// <summary>
/// The second line of defence behind the logged inputs' <see cref="Template.Redacted"/> tokens: whatever a run logs or
/// answers (inputs, outputs, errors, a respond step's reply) has every text of its connections replaced by
/// <c>**REDACTED**</c>, so a secret that travelled through a code step's output is caught too. Texts shorter than
/// <see cref="MinLength"/> are left alone: they would blank out unrelated words and are no secret worth the name.
/// </summary>
public sealed class SecretScrubber
{
    public const int MinLength = 4;
    public static readonly SecretScrubber None = new([]);
    private readonly string[] _secrets;

    public SecretScrubber(JsonObject connections) =>
        _secrets = [.. Leaves(connections).Where(s => s.Length >= MinLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];

    public string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Template.Redacted, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>A copy with secrets replaced (the node itself when the run uses no connection).</summary>
    public JsonNode? Scrub(JsonNode? node) => _secrets.Length == 0 ? node : node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Scrub(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Scrub)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(Scrub(v.GetValue<string>())),
        _ => node?.DeepClone(),
    };

    private static IEnumerable<string> Leaves(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value)),
        JsonArray a => a.SelectMany(Leaves),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        // Only text is secret: a connection's `true`, `5432` or `null` would otherwise blank every such word in replies.
        _ => [],
    };
}

/// <summary>Which connections a step (or a whole flow) names in its templates: <c>{{connections.crm.token}}</c> → crm.</summary>
public static class ConnectionReferences
{
    private static readonly ConditionalWeakTable<Step, string[]> Cache = [];

    public static string[] Of(Step step) => Cache.GetValue(step, s =>
        [.. Template.References(FlowValidator.TemplatedValues(s)).Where(r => r.Root == FlowValidator.ConnectionsRoot && r.Member is not null).Select(r => r.Member!).Distinct()]);

    public static string[] Of(FlowDefinition flow) => [.. flow.AllSteps().SelectMany(Of).Distinct()];
}
