using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Publishing.Tests;

/// <summary>
/// Issue 13 item 11 on Container Apps: one identity per app holding only the roles its references need (no Table role),
/// data services closed to all but the apps' subnet, Key Vault purge protection in staging/prod, and the internal port.
/// </summary>
public sealed class AcaInfraTests
{
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    [Fact]
    public async Task EachAppsRolesAreExactlyWhatItsReferencesNeed()
    {
        var manifest = (await Manifests.DefaultAsync()).Resources;
        var apps = (await AcaInfra.BuildAsync("aca/resources.bicep"))["variables"]!["apps"]!.AsObject();
        Assert.Equal(AcaInfra.Projects(manifest).Order(StringComparer.Ordinal), apps.Select(a => a.Key).Order(StringComparer.Ordinal));
        foreach (var (app, grants) in apps)
        {
            var referenced = AcaInfra.Referenced(manifest, app);
            Assert.True(referenced.Contains("blobs") == (bool)grants!["blobs"]!, $"{app}: blob role vs blobs reference");
            Assert.True(referenced.Contains("queues") == (bool)grants["queues"]!, $"{app}: queue role vs queues reference");
            Assert.True(referenced.Contains("cosmos") == (bool)grants["cosmos"]!, $"{app}: Cosmos role vs cosmos reference");
            Assert.Equal(referenced.Where(AcaInfra.VaultSecrets.Contains).Order(StringComparer.Ordinal),
                grants["secrets"]!.AsArray().Select(s => (string)s!).Order(StringComparer.Ordinal));
            // Nothing in the manifest is a table, so no app may reference one.
            Assert.DoesNotContain(referenced, r => r.Contains("table", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task AnAppsIdentityGetsEachRoleOnlyWhenItsSwitchIsOn()
    {
        var template = await AcaInfra.BuildAsync("aca/app.bicep");
        Assert.Single(AcaInfra.OfType(template, "Microsoft.ManagedIdentity/userAssignedIdentities"));
        var guids = template["variables"]!["roles"]!.AsObject();
        var roles = AcaInfra.OfType(template, "Microsoft.Authorization/roleAssignments")
            .ToDictionary(r => (string)guids[RoleVariable(r)]!, StringComparer.Ordinal);
        Assert.Equal(new[] { AcrPull, BlobDataContributor, KeyVaultSecretsUser, QueueDataContributor }.Order(StringComparer.Ordinal),
            roles.Keys.Order(StringComparer.Ordinal));
        Assert.Null(roles[AcrPull]["condition"]);
        Assert.Equal("[parameters('blobs')]", (string?)roles[BlobDataContributor]["condition"]);
        Assert.Equal("[parameters('queues')]", (string?)roles[QueueDataContributor]["condition"]);
        // Key Vault: one assignment per named secret, scoped to that secret, not the vault.
        var secretRole = roles[KeyVaultSecretsUser];
        Assert.Equal("[length(parameters('secrets'))]", (string?)secretRole["copy"]!["count"]);
        Assert.Contains("vaults/secrets", (string)secretRole["scope"]!, StringComparison.Ordinal);
        var cosmos = Assert.Single(AcaInfra.OfType(template, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"));
        Assert.Equal("[parameters('cosmos')]", (string?)cosmos["condition"]);
    }

    [Fact]
    public async Task NoTableRoleAnywhere()
    {
        var published = await Manifests.DefaultAsync();
        var texts = new List<(string, string)>();
        foreach (var file in new[] { "main.bicep", "aca/resources.bicep", "aca/app.bicep", "aca/data.bicep", "aca/volumes.bicep" })
        {
            texts.Add((file, (await AcaInfra.BuildAsync(file)).ToJsonString()));
        }
        texts.AddRange(Directory.GetFiles(published.Directory, "*.bicep").Select(f => (f, File.ReadAllText(f))));
        foreach (var (file, text) in texts)
        {
            Assert.DoesNotContain(TableDataContributor, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("TableData", text, StringComparison.OrdinalIgnoreCase);
            Assert.False(text.Contains("tableServices", StringComparison.OrdinalIgnoreCase), $"{file} declares table services.");
        }
    }

    [Fact]
    public async Task EveryProjectRunsAsItsOwnIdentity()
    {
        var manifest = (await Manifests.DefaultAsync()).Resources;
        var outputs = (await AcaInfra.BuildAsync("main.bicep"))["outputs"]!.AsObject();
        foreach (var app in AcaInfra.Projects(manifest))
        {
            var id = $"SERVICE_{app.ToUpperInvariant()}_IDENTITY_ID";
            var clientId = $"SERVICE_{app.ToUpperInvariant()}_IDENTITY_CLIENT_ID";
            Assert.EndsWith($".outputs.identities.value, lambda('e', lambdaVariables('e').name)).{app}.id]", (string)outputs[id]!["value"]!, StringComparison.Ordinal);
            Assert.EndsWith($".outputs.identities.value, lambda('e', lambdaVariables('e').name)).{app}.clientId]", (string)outputs[clientId]!["value"]!, StringComparison.Ordinal);
            var template = AcaInfra.Template(app);
            var identities = (YamlMappingNode)AcaInfra.At(template, "identity", "userAssignedIdentities");
            Assert.Equal($"TPL(.Env.{id})", ((YamlScalarNode)Assert.Single(identities.Children).Key).Value);
            var registry = (YamlMappingNode)Assert.Single((YamlSequenceNode)AcaInfra.At(template, "properties", "configuration", "registries"));
            Assert.Equal($"TPL(.Env.{id})", AcaInfra.Scalar(registry, "identity"));
            Assert.Equal($"TPL(.Env.{clientId})", AcaInfra.Env(template)["AZURE_CLIENT_ID"]);
            foreach (var secret in AcaInfra.Secrets(template).Where(s => s.Children.ContainsKey(new YamlScalarNode("keyVaultUrl"))))
            {
                Assert.Equal($"TPL(.Env.{id})", AcaInfra.Scalar(secret, "identity"));
            }
        }
    }

    [Fact]
    public async Task TheSharedIdentityOfTheBackingContainersCanOnlyPullImages()
    {
        // postgres, redis and temporal keep azd's generated templates, which name AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID.
        var template = await AcaInfra.BuildAsync("aca/resources.bicep");
        var assignment = Assert.Single(AcaInfra.OfType(template, "Microsoft.Authorization/roleAssignments"));
        Assert.Contains(AcrPull, (string)assignment["properties"]!["roleDefinitionId"]!, StringComparison.Ordinal);
        Assert.Contains("userAssignedIdentities', format('mi-{0}'", (string)assignment["properties"]!["principalId"]!, StringComparison.Ordinal);
        Assert.Empty(AcaInfra.OfType(template, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"));
    }

    [Fact]
    public async Task EachTemplateCarriesExactlyItsAppsManifestEnvironment()
    {
        var manifest = (await Manifests.DefaultAsync()).Resources;
        Assert.Equal(AcaInfra.Projects(manifest).Select(p => $"{p}.tmpl.yaml").Order(StringComparer.Ordinal),
            Directory.GetFiles(AcaInfra.TemplatesDirectory, "*.tmpl.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var app in AcaInfra.Projects(manifest))
        {
            var template = AcaInfra.Template(app);
            var env = AcaInfra.Env(template);
            var expected = (manifest[app]!["env"]?.AsObject() ?? []).Select(kv => kv.Key).Append("AZURE_CLIENT_ID");
            Assert.Equal(expected.Order(StringComparer.Ordinal), env.Keys.Order(StringComparer.Ordinal));
            var secrets = AcaInfra.Secrets(template).ToDictionary(s => AcaInfra.Scalar(s, "name"), StringComparer.Ordinal);
            Assert.Equal(env.Values.Where(v => v.StartsWith("secretRef:", StringComparison.Ordinal)).Select(v => v["secretRef:".Length..]).Order(StringComparer.Ordinal),
                secrets.Keys.Order(StringComparer.Ordinal));
            // The per-purpose keys come from Key Vault, never as literal values in the app.
            var vaulted = secrets.Values.Where(s => s.Children.ContainsKey(new YamlScalarNode("keyVaultUrl")))
                .Select(s => AcaInfra.Scalar(s, "keyVaultUrl").Split("secrets/")[1]).Order(StringComparer.Ordinal);
            Assert.Equal(AcaInfra.Referenced(manifest, app).Where(AcaInfra.VaultSecrets.Contains).Order(StringComparer.Ordinal), vaulted);
        }
    }

    /// <summary>The <c>roles</c> entry a role assignment's definition id names (<c>variables('roles').blobDataContributor</c>).</summary>
    private static string RoleVariable(JsonObject assignment)
    {
        var id = (string)assignment["properties"]!["roleDefinitionId"]!;
        const string prefix = "variables('roles').";
        var start = id.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length;
        return id[start..id.IndexOf(')', start)];
    }
}
