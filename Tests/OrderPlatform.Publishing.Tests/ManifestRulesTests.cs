using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrderPlatform.Publishing.Tests;

/// <summary>The AppHost manifest against what azd accepts (Azure/azure-dev <c>pkg/apphost</c>) and the aspire-8.0 schema.</summary>
public sealed partial class ManifestRulesTests
{
    // Types azd's apphost generator accepts. annotated.string needs azd 1.20.3 or later: the AppHost writes none today
    // (AzdManifest.WithConnectionStringsAndServiceDiscovery), and the exact-manifest test would show one appearing.
    private static readonly HashSet<string> AzdTypes =
    [
        "project.v0", "project.v1", "container.v0", "container.v1", "dockerfile.v0", "parameter.v0", "value.v0",
        "annotated.string", "azure.bicep.v0", "azure.bicep.v1", "dapr.v0", "dapr.component.v0",
    ];

    // What azd's expression evaluator resolves on a binding.
    private static readonly HashSet<string> BindingProperties = ["url", "host", "port", "targetPort", "scheme", "protocol", "transport", "external"];

    // The azd schemes of a binding (aca_ingress.go validateBindings): anything else fails "binding has invalid scheme".
    private static readonly HashSet<string> AzdSchemes = ["tcp", "http", "https"];

    [Fact]
    public async Task TheManifestIsValidAgainstTheAspire80SchemaRules()
    {
        var published = await Manifests.DefaultAsync();
        var errors = ManifestSchema.Validate(JsonNode.Parse(published.Json)!);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void TheSchemaRulesCatchWhatTheyShould()
    {
        var bad = JsonNode.Parse("""
            {
              "resources": {
                "c": { "type": "container.v0", "bindings": { "tcp": { "scheme": "redis", "protocol": "tcp" } }, "bindMounts": [ { "target": "/x" } ] },
                "p": { "type": "parameter.v0", "value": "{p.inputs.value}", "inputs": { "value": { "type": "string", "default": { "generate": {} } } } },
                "v": { "type": "value.v0", "connectionString": "x", "extra": 1 }
              }
            }
            """)!;
        var errors = ManifestSchema.Validate(bad);
        Assert.Contains("c: 'image' is required for container.v0", errors);
        Assert.Contains("c/bindings/tcp: 'scheme' is 'redis', not one of http, https, tcp, udp", errors);
        Assert.Contains("c/bindings/tcp: 'transport' is required (a string)", errors);
        Assert.Contains("c: each of 'bindMounts' must be exactly {source, target, readOnly}", errors);
        Assert.Contains("p/inputs/value: 'default' must be exactly one of {generate: {minLength, ...}} or {value: string}", errors);
        Assert.Contains("v: 'extra' is not allowed on value.v0", errors);
    }

    [Fact]
    public async Task EveryTypeIsOneAzdDeploysWithWhatAzdNeeds()
    {
        var published = await Manifests.DefaultAsync();
        Assert.NotEmpty(published.Resources);
        foreach (var (name, node) in published.Resources)
        {
            var type = (string)node!["type"]!;
            Assert.True(AzdTypes.Contains(type), $"{name}: azd does not accept type '{type}' (executable.v0 and others fail 'unsupported resource type').");
            switch (type)
            {
                case "project.v0":
                    Assert.True(File.Exists(Path.Combine(published.Directory, (string)node["path"]!)), $"{name}: project path does not resolve from the manifest folder.");
                    break;
                case "container.v0":
                    Assert.False(string.IsNullOrEmpty((string?)node["image"]), $"{name}: container without image.");
                    Assert.True(node["bindMounts"] is null, $"{name}: bindMounts need azd's alpha azd.operations.");
                    break;
                case "azure.bicep.v0":
                    Assert.True(File.Exists(Path.Combine(published.Directory, (string)node["path"]!)), $"{name}: module not next to the manifest.");
                    break;
                default:
                    break;
            }
            foreach (var (endpoint, binding) in node["bindings"]?.AsObject() ?? [])
            {
                foreach (var field in new[] { "scheme", "protocol", "transport" })
                {
                    Assert.True(binding![field] is not null, $"{name}/{endpoint}: binding lacks '{field}'.");
                }
                var scheme = (string)binding!["scheme"]!;
                Assert.True(AzdSchemes.Contains(scheme), $"{name}/{endpoint}: azd refuses scheme '{scheme}'.");
                Assert.True(scheme != "tcp" || binding["targetPort"] is not null, $"{name}/{endpoint}: a tcp binding needs a targetPort on Container Apps.");
                Assert.True(binding["external"] is null || scheme is "http" or "https", $"{name}/{endpoint}: external non-HTTP endpoints are not supported.");
            }
        }
    }

    [Fact]
    public async Task NothingNeedsANewerAzdThanInfraReadmeSays()
    {
        // infra/README.md promises no azd 1.20.3 requirement: annotated.string (Aspire 13's URI-encoded passwords for
        // *_URI reference variables) is kept out by AzdManifest.WithConnectionStringsAndServiceDiscovery.
        var published = await Manifests.DefaultAsync();
        var types = published.Resources.Select(r => (string)r.Value!["type"]!).ToHashSet();
        Assert.Subset(new HashSet<string> { "container.v0", "project.v0", "parameter.v0", "value.v0", "azure.bicep.v0" }, types);
    }

    [Fact]
    public async Task EveryExpressionRefersToSomethingInTheManifest()
    {
        var published = await Manifests.DefaultAsync();
        var resources = published.Resources;
        var expressions = 0;
        foreach (var (owner, value) in Strings(resources))
        {
            foreach (Match match in Expression().Matches(value.Replace("{{", "", StringComparison.Ordinal).Replace("}}", "", StringComparison.Ordinal)))
            {
                expressions++;
                var text = match.Groups[1].Value;
                var parts = text.Split('.');
                Assert.True(resources[parts[0]] is JsonObject, $"{owner}: '{{{text}}}' refers to '{parts[0]}', which is not in the manifest.");
                var target = resources[parts[0]]!.AsObject();
                var targetType = (string)target["type"]!;
                var path = string.Join('.', parts[1..]);
                switch (parts[1])
                {
                    case "connectionString":
                        Assert.True(parts.Length == 2 && target["connectionString"] is not null, $"{owner}: '{{{text}}}': '{parts[0]}' has no connection string.");
                        break;
                    case "value":
                        Assert.True(parts.Length == 2 && targetType is "parameter.v0" or "annotated.string", $"{owner}: '{{{text}}}': only parameters have a value.");
                        break;
                    case "inputs":
                        Assert.True(path == "inputs.value" && owner == parts[0] && target["inputs"]?["value"] is not null, $"{owner}: '{{{text}}}': a parameter may use only its own inputs.");
                        break;
                    case "bindings":
                        Assert.True(parts.Length == 4 && target["bindings"]?[parts[2]] is not null && BindingProperties.Contains(parts[3]),
                            $"{owner}: '{{{text}}}': no such binding or property azd resolves (tlsEnabled is not one).");
                        break;
                    case "outputs":
                        Assert.True(parts.Length == 3 && targetType.StartsWith("azure.bicep.", StringComparison.Ordinal), $"{owner}: '{{{text}}}': outputs come from Bicep modules only.");
                        Assert.Contains($"output {parts[2]} ", await File.ReadAllTextAsync(Path.Combine(published.Directory, (string)target["path"]!), TestContext.Current.CancellationToken), StringComparison.Ordinal);
                        break;
                    default:
                        Assert.Fail($"{owner}: '{{{text}}}' is not an expression azd evaluates.");
                        break;
                }
            }
        }
        Assert.True(expressions > 20, $"Only {expressions} expressions found: the scan is broken.");
    }

    [Fact]
    public async Task NoSecretParameterHasADefaultValue()
    {
        var published = await Manifests.DefaultAsync();
        var parameters = published.Resources.Where(r => (string)r.Value!["type"]! == "parameter.v0").ToList();
        Assert.NotEmpty(parameters);
        foreach (var (name, parameter) in parameters)
        {
            Assert.Equal($"{{{name}.inputs.value}}", (string)parameter!["value"]!);
            var input = parameter["inputs"]!["value"]!;
            Assert.False((bool?)input["secret"] == true && input["default"]?["value"] is not null, $"{name}: azd refuses a secret with a default value.");
        }
    }

    [Fact]
    public async Task NoConfiguredSecretAppearsInTheManifestTheModulesOrTheConsole()
    {
        // A value for every parameter: a publisher that resolved values instead of writing expressions would leak them.
        var first = await Manifests.DefaultAsync();
        var names = first.Resources.Where(r => (string)r.Value!["type"]! == "parameter.v0").Select(r => r.Key).ToList();
        var values = names.ToDictionary(n => n, n => $"Configured-{n}-{Guid.NewGuid():N}");
        var published = await Manifests.PublishAsync([.. values.Select(v => $"--Parameters:{v.Key}={v.Value}")]);
        var everything = published.Json + published.Process.Output
            + string.Concat(Directory.GetFiles(published.Directory, "*.bicep").Select(File.ReadAllText));
        foreach (var (name, secret) in values)
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"The value configured for '{name}' appears in the output.");
        }
        // Account keys have no place in a manifest: Azure access is Entra-only (the well-known emulator keys included).
        Assert.DoesNotContain("AccountKey", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==", everything, StringComparison.Ordinal);
        // Configured values change nothing in the manifest.
        Assert.Equal(first.Normalized, published.Normalized);
    }

    private static IEnumerable<(string Owner, string Value)> Strings(JsonObject resources)
    {
        foreach (var (name, resource) in resources)
        {
            foreach (var value in Walk(resource))
            {
                yield return (name, value);
            }
        }
    }

    private static IEnumerable<string> Walk(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Walk(p.Value)),
        JsonArray a => a.SelectMany(Walk),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => [(string)v!],
        _ => [],
    };

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Expression();
}
