using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Hosting.Vm.Tests;

/// <summary>The VM bundle's containment (issue 13 item 11): limits, no privilege gain, no metadata service, TLS and body size.</summary>
public sealed class VmHardeningTests
{
    [Fact]
    public async Task EveryContainerIsLimitedCannotGainPrivilegesAndCannotReachTheMetadataService()
    {
        var output = TestPaths.NewDirectory("vm-hardening");
        await Bundles.PublishAppHostAsync(output);
        var services = Bundles.Services(await Bundles.ReadAsync(output, "compose.yaml"), out _);

        foreach (var (name, service) in services)
        {
            Assert.Equal(["no-new-privileges:true"], ((YamlSequenceNode)service["security_opt"]).Select(o => o.ToString()));
            Assert.Matches("^[0-9]+[mg]$", service["mem_limit"].ToString());
            Assert.True(double.Parse(service["cpus"].ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0, $"{name} has no CPU limit");
        }

        var unit = await Bundles.ReadAsync(output, "orderplatform.service");
        var filter = unit.IndexOf("iptables -I DOCKER-USER -d 169.254.169.254 -j REJECT", StringComparison.Ordinal);
        Assert.True(filter > 0 && filter < unit.IndexOf("ExecStart=", StringComparison.Ordinal), "the metadata filter must be set before compose starts");
    }

    [Fact]
    public async Task NginxNamesItsCiphersAndTakesTheBodiesTheApiTakes()
    {
        var output = TestPaths.NewDirectory("vm-nginx");
        await Bundles.PublishAppHostAsync(output);
        var config = await Bundles.ReadAsync(output, "nginx.conf");

        var ciphers = config.Split('\n').Single(l => l.TrimStart().StartsWith("ssl_ciphers ", StringComparison.Ordinal)).Trim()["ssl_ciphers ".Length..^1].Split(':');
        Assert.All(ciphers, c => Assert.Matches("^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$", c));
        // The Api's UploadOptions.RequestLimit: Api:Upload:MaxFileBytes (20 MiB) plus 256 KiB for the multipart envelope.
        Assert.Contains($"client_max_body_size {((20 * 1024) + 256)}k;", config, StringComparison.Ordinal);
        // The flow runner's webhooks take its own limit (FlowRunner:WebhookBodyLimit, 25 MiB), on both of their routes.
        foreach (var location in new[] { "/api/v1/webhooks/", "/webhooks/" })
        {
            var block = config[config.IndexOf($"location {location} {{", StringComparison.Ordinal)..];
            Assert.Contains("client_max_body_size 25m;", block[..block.IndexOf('}')], StringComparison.Ordinal);
        }
    }
}
