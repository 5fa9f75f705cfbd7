using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Publishing.Tests;

/// <summary>
/// The Container Apps side of what faces the internet: data services that deny all but the apps' subnet, Key Vault
/// hardening in staging/prod, and the internal port that carries /health and the bot's /api/notify.
/// </summary>
public sealed class AcaNetworkTests
{
    [Fact]
    public async Task StorageCosmosAndKeyVaultDenyAllButTheAppsSubnet()
    {
        var data = await AcaInfra.BuildAsync("aca/data.bicep");
        var volumes = await AcaInfra.BuildAsync("aca/volumes.bicep");
        var accounts = AcaInfra.OfType(data, "Microsoft.Storage/storageAccounts").Concat(AcaInfra.OfType(volumes, "Microsoft.Storage/storageAccounts")).ToList();
        Assert.Equal(2, accounts.Count);
        foreach (var account in accounts)
        {
            AssertDenyWithSubnetRule(account["properties"]!["networkAcls"]!, "id");
            Assert.False((bool)account["properties"]!["allowBlobPublicAccess"]!);
        }
        Assert.False((bool)AcaInfra.OfType(data, "Microsoft.Storage/storageAccounts").Single()["properties"]!["allowSharedKeyAccess"]!);

        var cosmos = AcaInfra.OfType(data, "Microsoft.DocumentDB/databaseAccounts").Single()["properties"]!;
        Assert.True((bool)cosmos["isVirtualNetworkFilterEnabled"]!);
        Assert.True((bool)cosmos["disableLocalAuth"]!);
        Assert.Empty(cosmos["ipRules"]!.AsArray());
        Assert.Equal("[parameters('appsSubnetId')]", (string?)Assert.Single(cosmos["virtualNetworkRules"]!.AsArray())!["id"]);

        var vault = AcaInfra.OfType(data, "Microsoft.KeyVault/vaults").Single()["properties"]!;
        Assert.True((bool)vault["enableRbacAuthorization"]!);
        Assert.True((bool)vault["enableSoftDelete"]!);
        AssertDenyWithSubnetRule(vault["networkAcls"]!, "id");
    }

    [Fact]
    public async Task KeyVaultPurgeProtectionIsOnInStagingAndProdOnly()
    {
        var main = await AcaInfra.BuildAsync("main.bicep");
        var resources = AcaInfra.OfType(main, "Microsoft.Resources/deployments").Single(d => (string?)d["name"] == "resources");
        Assert.Equal("[contains(createArray('staging', 'prod'), toLower(parameters('environmentName')))]",
            (string?)resources["properties"]!["parameters"]!["hardened"]!["value"]);
        var vault = AcaInfra.OfType(await AcaInfra.BuildAsync("aca/data.bicep"), "Microsoft.KeyVault/vaults").Single()["properties"]!;
        // ARM refuses enablePurgeProtection: false, so dev/qa leave it out (null) rather than switching it off.
        Assert.Equal("[if(parameters('hardened'), true(), null())]", (string?)vault["enablePurgeProtection"]);
        Assert.Equal("[if(parameters('hardened'), 90, 7)]", (string?)vault["softDeleteRetentionInDays"]);
    }

    [Fact]
    public async Task InternalEndpointsAreAdditionalPortsThatNeverFaceTheInternet()
    {
        var manifest = (await Manifests.DefaultAsync()).Resources;
        var withInternal = AcaInfra.Projects(manifest).Where(p => manifest[p]!["bindings"]?["internal"] is not null).ToList();
        Assert.Equal(["api", "teamsbot", "flowrunner"], withInternal);
        foreach (var app in withInternal)
        {
            var binding = manifest[app]!["bindings"]!["internal"]!;
            Assert.Equal(8081, (int)binding["targetPort"]!);
            Assert.Null(binding["external"]);
            Assert.Equal($"{{{app}.bindings.internal.targetPort}}", (string?)manifest[app]!["env"]!["InternalEndpoint__Port"]);
            var template = AcaInfra.Template(app);
            Assert.Equal("true", AcaInfra.Scalar(template, "properties", "configuration", "ingress", "external"));
            var extra = (YamlMappingNode)Assert.Single((YamlSequenceNode)AcaInfra.At(template, "properties", "configuration", "ingress", "additionalPortMappings"));
            Assert.Equal("8081", AcaInfra.Scalar(extra, "targetPort"));
            Assert.Equal("false", AcaInfra.Scalar(extra, "external"));
            Assert.Equal("8081", AcaInfra.Env(template)["InternalEndpoint__Port"]);
            var probes = ((YamlSequenceNode)AcaInfra.At(AcaInfra.Container(template), "probes")).Cast<YamlMappingNode>().ToList();
            Assert.Equal(["Liveness", "Readiness"], probes.Select(p => AcaInfra.Scalar(p, "type")));
            Assert.All(probes, p => Assert.Equal("8081", AcaInfra.Scalar(p, "httpGet", "port")));
        }
        // The Worker, the bot's one notify caller, is pointed at the internal endpoint only.
        var worker = manifest["worker"]!["env"]!.AsObject();
        Assert.Equal("{teamsbot.bindings.internal.url}", (string?)worker["services__teamsbot__internal__0"]);
        Assert.DoesNotContain(worker, kv => kv.Key.StartsWith("services__teamsbot__http", StringComparison.Ordinal));
        Assert.Equal("http://teamsbot:8081", AcaInfra.Env(AcaInfra.Template("worker"))["services__teamsbot__internal__0"]);
    }

    private static void AssertDenyWithSubnetRule(JsonNode acls, string idProperty)
    {
        Assert.Equal("Deny", (string?)acls["defaultAction"]);
        Assert.Equal("[parameters('appsSubnetId')]", (string?)Assert.Single(acls["virtualNetworkRules"]!.AsArray())![idProperty]);
        Assert.Empty(acls["ipRules"]?.AsArray() ?? []);
    }
}
