using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderPlatform.FlowRunner.Templating;

/// <summary>A template that cannot be parsed; the message names the template and what is wrong.</summary>
public sealed class TemplateException(string message) : Exception(message);

/// <summary>
/// <c>{{ path }}</c> tokens in string values (spec §8, with a restricted path language instead of JavaScript): a path is
/// a root (<c>trigger</c> or a step name) followed by <c>.member</c>, <c>[index]</c> or <c>['quoted key']</c>. A string
/// that is exactly one token takes the referenced value with its type; mixed text interpolates, JSON-serialising
/// non-strings; a path that resolves to nothing becomes null (lone token) or an empty string (mixed text).
/// </summary>
public static class Template
{
    private abstract record Part;

    private sealed record Literal(string Text) : Part;

    private sealed record Token(string Root, IReadOnlyList<object> Path) : Part;

    /// <summary>What a token resolving to a redacted root shows instead of its value.</summary>
    public const string Redacted = "**REDACTED**";

    /// <summary>The roots every template in <paramref name="value"/> refers to; throws on a broken template.</summary>
    public static IEnumerable<string> Roots(JsonNode? value) => References(value).Select(r => r.Root);

    /// <summary>Each token's root and first member (<c>connections.crm</c> → ("connections", "crm")); throws on a broken template.</summary>
    public static IEnumerable<(string Root, string? Member)> References(JsonNode? value) =>
        Strings(value).SelectMany(s => Parse(s).OfType<Token>().Select(t => (t.Root, t.Path.Count > 0 ? t.Path[0] as string : null)));

    /// <summary>
    /// A copy of <paramref name="value"/> with every template resolved against <paramref name="state"/>; tokens under the
    /// root <paramref name="redact"/> become <see cref="Redacted"/> (what step logs show for connections).
    /// </summary>
    public static JsonNode? Resolve(JsonNode? value, JsonObject state, string? redact = null) => value switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value, state, redact)))),
        JsonArray a => new JsonArray([.. a.Select(i => Resolve(i, state, redact))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => ResolveString(v.GetValue<string>(), state, redact),
        _ => value?.DeepClone(),
    };

    public static string ResolveText(string text, JsonObject state, string? redact = null) => ResolveString(text, state, redact) switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var node => node.ToJsonString(),
    };

    private static JsonNode? ResolveString(string text, JsonObject state, string? redact)
    {
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return JsonValue.Create(text);
        }

        var parts = Parse(text);
        if (parts is [Token lone])
        {
            return Lookup(lone, state, redact)?.DeepClone();
        }

        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(part switch
            {
                Literal l => l.Text,
                Token t => Lookup(t, state, redact) switch
                {
                    null => "",
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    var node => node.ToJsonString(),
                },
                _ => "",
            });
        }

        return JsonValue.Create(builder.ToString());
    }

    private static JsonNode? Lookup(Token token, JsonObject state, string? redact)
    {
        if (token.Root == redact)
        {
            return JsonValue.Create(Redacted);
        }

        var node = state[token.Root];
        foreach (var segment in token.Path)
        {
            node = (segment, node) switch
            {
                (string key, JsonObject o) => o[key],
                (int index, JsonArray a) => index < a.Count ? a[index] : null,
                _ => null,
            };
        }

        return node;
    }

    private static IEnumerable<string> Strings(JsonNode? value) => value switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    private static List<Part> Parse(string text)
    {
        var parts = new List<Part>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(new Literal(text[position..]));
                break;
            }

            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException($"Template '{text}' has '{{{{' at {open} without a closing '}}}}'.");
            }

            if (open > position)
            {
                parts.Add(new Literal(text[position..open]));
            }

            parts.Add(ParsePath(text[(open + 2)..close].Trim(), text));
            position = close + 2;
        }

        return parts;
    }

    private static Token ParsePath(string expression, string template)
    {
        var i = 0;
        var root = Identifier(expression, ref i, template);
        var path = new List<object>();
        while (i < expression.Length)
        {
            if (expression[i] == '.')
            {
                i++;
                path.Add(Identifier(expression, ref i, template));
            }
            else if (expression[i] == '[')
            {
                path.Add(Index(expression, ref i, template));
            }
            else
            {
                throw Broken(template, expression, $"unexpected '{expression[i]}' at {i}");
            }
        }

        return new Token(root, path);
    }

    private static string Identifier(string expression, ref int i, string template)
    {
        var start = i;
        while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] is '_' or '-' or '$'))
        {
            i++;
        }

        return i > start ? expression[start..i] : throw Broken(template, expression, $"a name is expected at {start}");
    }

    private static object Index(string expression, ref int i, string template)
    {
        var close = expression.IndexOf(']', i);
        if (close < 0)
        {
            throw Broken(template, expression, "'[' without ']'");
        }

        var inner = expression[(i + 1)..close].Trim();
        i = close + 1;
        if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0])
        {
            return inner[1..^1];
        }

        return int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : throw Broken(template, expression, $"'[{inner}]' is neither an index nor a quoted key");
    }

    private static TemplateException Broken(string template, string expression, string what) =>
        new($"Template '{template}': '{{{{{expression}}}}}' is not a valid path ({what}).");
}
