using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Publishing.Tests;

/// <summary>
/// The committed Container Apps infrastructure (infra/main.bicep, infra/aca/*.bicep) compiled to ARM JSON by the Bicep
/// CLI, and the per-app templates azd deploys (OrderPlatform.AppHost/infra/*.tmpl.yaml) read as YAML.
/// </summary>
internal static partial class AcaInfra
{
    public static string InfraDirectory { get; } = Path.Combine(TestPaths.RepositoryRoot, "infra");

    public static string TemplatesDirectory { get; } = Path.Combine(TestPaths.AppHostDirectory, "infra");

    /// <summary>The generated per-purpose keys kept in Key Vault (the Container Apps read them by secret reference).</summary>
    public static readonly IReadOnlySet<string> VaultSecrets =
        new HashSet<string>(["api-key", "notify-key", "flowrunner-key", "flowrunner-secrets-key", "webhook-signing-key"], StringComparer.Ordinal);

    private static readonly Dictionary<string, JsonObject> Compiled = new(StringComparer.Ordinal);

    /// <summary><c>bicep build FILE --stdout</c> with no warning, parsed (cached per file for the run).</summary>
    public static async Task<JsonObject> BuildAsync(string relativePath)
    {
        if (Compiled.TryGetValue(relativePath, out var cached))
        {
            return cached;
        }
        var file = Path.Combine(InfraDirectory, relativePath);
        var result = await Tools.RunAsync(Tools.Bicep(), ["build", file, "--stdout"]);
        Tools.AssertClean(result, file);
        var json = JsonNode.Parse(result.StandardOutput[result.StandardOutput.IndexOf('{', StringComparison.Ordinal)..])!.AsObject();
        Compiled[relativePath] = json;
        return json;
    }

    /// <summary>The resources of a compiled template (an array, or an object keyed by symbolic name in language 2.0).</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray a => a.Select(r => r!.AsObject()),
        JsonObject o => o.Select(kv => kv.Value!.AsObject()),
        _ => [],
    };

    public static IEnumerable<JsonObject> OfType(JsonObject template, string type) =>
        Resources(template).Where(r => (string?)r["type"] == type && r["existing"]?.GetValue<bool>() != true);

    /// <summary>The project apps of the manifest (those azd builds from source; each has a template here).</summary>
    public static IReadOnlyList<string> Projects(JsonObject resources) =>
        [.. resources.Where(r => (string)r.Value!["type"]! == "project.v0").Select(r => r.Key)];

    /// <summary>The resources an app's environment points at (<c>{name.…}</c> expressions in its manifest env).</summary>
    public static ISet<string> Referenced(JsonObject resources, string app)
    {
        var env = resources[app]!["env"]?.AsObject() ?? [];
        return env.SelectMany(kv => Expression().Matches((string)kv.Value!).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The app template as YAML; azd's Go template actions (<c>{{ … }}</c>) become plain <c>TPL(…)</c> scalars first.</summary>
    public static YamlMappingNode Template(string app)
    {
        var text = File.ReadAllText(Path.Combine(TemplatesDirectory, $"{app}.tmpl.yaml"));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Action().Replace(text, m => $"TPL({m.Groups[1].Value.Trim().Replace('"', '`')})")));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    public static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    public static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    public static YamlMappingNode Container(YamlMappingNode template) =>
        (YamlMappingNode)((YamlSequenceNode)At(template, "properties", "template", "containers")).Single();

    /// <summary>The container's environment: name → value or <c>secretRef:NAME</c>.</summary>
    public static Dictionary<string, string> Env(YamlMappingNode template) =>
        ((YamlSequenceNode)At(Container(template), "env")).Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name"),
            e => e.Children.ContainsKey(new YamlScalarNode("secretRef")) ? "secretRef:" + Scalar(e, "secretRef") : Scalar(e, "value"), StringComparer.Ordinal);

    public static IEnumerable<YamlMappingNode> Secrets(YamlMappingNode template) =>
        At(template, "properties", "configuration") is YamlMappingNode c && c.Children.TryGetValue(new YamlScalarNode("secrets"), out var s)
            ? ((YamlSequenceNode)s).Cast<YamlMappingNode>() : [];

    [GeneratedRegex(@"\{([a-zA-Z0-9\-]+)\.[^}]+\}")]
    private static partial Regex Expression();

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex Action();
}
