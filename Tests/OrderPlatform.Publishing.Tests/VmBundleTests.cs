using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrderPlatform.Hosting;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Publishing;
using OrderPlatform.Hosting.Testing;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Publishing.Tests;

public sealed class VmBundleTests
{
    private const string Nginx = "/usr/sbin/nginx";

    [Fact]
    public async Task EveryServiceHasAHealthcheckAndOnlyNginxPublishesPorts()
    {
        var dir = await PublishAppHostBundleAsync();
        var services = Services(await File.ReadAllTextAsync(Path.Combine(dir, "compose.yaml"), TestContext.Current.CancellationToken), out var root);
        Assert.Superset(new HashSet<string> { "postgres", "redis", "storage", "api" }, services.Keys.ToHashSet());
        Assert.Equal("nginx", services.Keys.Last());
        foreach (var (name, service) in services)
        {
            Assert.True(service.Children.ContainsKey("healthcheck"), $"{name} has no healthcheck.");
            Assert.NotEmpty((YamlSequenceNode)((YamlMappingNode)service["healthcheck"])["test"]);
            Assert.Equal("unless-stopped", service["restart"].ToString());
            Assert.Equal(name == "nginx", service.Children.ContainsKey("ports"));
        }
        Assert.Equal(["80:80", "443:443"], ((YamlSequenceNode)services["nginx"]["ports"]).Select(p => p.ToString()));
        var declared = ((YamlMappingNode)root["volumes"]).Children.Keys.Select(k => k.ToString()).ToHashSet();
        foreach (var volume in services.Values.Where(s => s.Children.ContainsKey("volumes")).SelectMany(s => (YamlSequenceNode)s["volumes"]).Select(v => v.ToString().Split(':')[0]))
        {
            Assert.True(volume.StartsWith('/') || volume.StartsWith('.') || declared.Contains(volume), $"Volume {volume} is neither a bind mount nor declared.");
        }
        var api = (YamlMappingNode)services["api"]["environment"];
        Assert.Equal("Host=postgres;Port=5432;Username=postgres;Password=${POSTGRES_PASSWORD};Database=ordersdb", api["ConnectionStrings__ordersdb"].ToString());
        Assert.Equal("redis:6379,password=${REDIS_PASSWORD}", api["ConnectionStrings__redis"].ToString());
        Assert.Equal("${REGISTRY:-localhost}/orderplatform-api:${TAG:-latest}", services["api"]["image"].ToString());
    }

    [Fact]
    public async Task TheEnvTemplateListsEverySecretParameterAndTheUnitRunsCompose()
    {
        var dir = await PublishAppHostBundleAsync();
        var template = await File.ReadAllTextAsync(Path.Combine(dir, ".env.template"), TestContext.Current.CancellationToken);
        foreach (var variable in new[] { "POSTGRES_PASSWORD=", "REDIS_PASSWORD=", "STORAGE_ACCOUNT_KEY=", "DOMAIN=", "ACME_EMAIL=" })
        {
            Assert.Contains("\n" + variable, template, StringComparison.Ordinal);
        }
        var unit = await File.ReadAllTextAsync(Path.Combine(dir, "orderplatform.service"), TestContext.Current.CancellationToken);
        Assert.Contains("ExecStart=/usr/bin/docker compose --project-directory /opt/orderplatform up", unit, StringComparison.Ordinal);
        Assert.Contains("EnvironmentFile=/opt/orderplatform/.env", unit, StringComparison.Ordinal);
        Assert.Contains("WantedBy=multi-user.target", unit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NginxAcceptsTheGeneratedConfigWithEveryRoute()
    {
        Assert.True(File.Exists(Nginx), "nginx is not installed: apt-get install -y nginx");
        var builder = DistributedApplicationTestingBuilder.Create("--publisher", "vm", "--output-path", TestPaths.NewDirectory("vm-routes"));
        var secret = builder.AddParameter("bot-app-password", secret: true);
        var postgres = builder.AddPostgres("postgres");
        builder.AddContainer("temporal", "temporalio/auto-setup", "1.29.1").WithEndpoint("grpc", "tcp", targetPort: 7233)
            .WithEnvironment("POSTGRES_SEEDS", postgres.GetEndpoint("tcp").Property(EndpointProperty.Host))
            .WithAnnotation(new ComposeHealthCheckAnnotation(["CMD", "temporal", "operator", "cluster", "health"]));
        var api = builder.AddProject<Projects.OrderPlatform_AppHost>("api");
        builder.AddProject<Projects.OrderPlatform_AppHost>("teamsbot").WithReference(api).WithEnvironment("Bot__AppPassword", secret);
        builder.AddProject<Projects.OrderPlatform_AppHost>("flowrunner");
        await using (var app = await builder.BuildAsync(TestContext.Current.CancellationToken))
        {
            await new Hosting.Publishing.Vm.VmPublisher().PublishAsync(new DistributedApplicationPublishContext(builder, builder.Options.OutputPath!), TestContext.Current.CancellationToken);
        }
        var dir = builder.Options.OutputPath!;
        var config = await File.ReadAllTextAsync(Path.Combine(dir, "nginx.conf"), TestContext.Current.CancellationToken);
        foreach (var expected in new[]
        {
            "location /api/ {", "set $upstream http://api:8080;", "location /api/messages {", "set $upstream http://teamsbot:8080;",
            "location /webhooks/ {", "rewrite ^/webhooks/(.*)$ /api/v1/webhooks/$1 break;", "location /api/v1/webhooks/ {", "set $upstream http://flowrunner:8080;", "auth_basic_user_file /etc/nginx/htpasswd;",
            "ssl_protocols TLSv1.2 TLSv1.3;", "Strict-Transport-Security", "return 301 https://$host$request_uri;", "client_max_body_size 20m;",
        })
        {
            Assert.Contains(expected, config, StringComparison.Ordinal);
        }
        Assert.Contains("BOT_APP_PASSWORD=", await File.ReadAllTextAsync(Path.Combine(dir, ".env.template"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var services = Services(await File.ReadAllTextAsync(Path.Combine(dir, "compose.yaml"), TestContext.Current.CancellationToken), out _);
        Assert.Contains("temporal-ui", services.Keys);
        Assert.Equal("postgres", ((YamlMappingNode)services["temporal"]["depends_on"]).Children.Keys.Single().ToString());
        Assert.Equal("postgres", services["temporal"]["environment"]["POSTGRES_SEEDS"].ToString());
        Assert.All(services, s => Assert.True(s.Value.Children.ContainsKey("healthcheck"), s.Key));

        // nginx -t with a throwaway certificate where certbot would put the real one.
        var certs = TestPaths.NewDirectory("certs");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=orderplatform.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(Path.Combine(certs, "fullchain.pem"), cert.ExportCertificatePem(), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(certs, "privkey.pem"), key.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);
        }
        var testConfig = Path.Combine(dir, "nginx.test.conf");
        await File.WriteAllTextAsync(testConfig, config.Replace("/etc/letsencrypt/live/orderplatform", certs, StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var result = await Tools.RunAsync(Nginx, ["-t", "-c", testConfig, "-p", dir + "/", "-e", "stderr"]);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("test is successful", result.Output, StringComparison.Ordinal);
    }

    private static async Task<string> PublishAppHostBundleAsync()
    {
        var dir = TestPaths.NewDirectory("vm");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.OrderPlatform_AppHost>(
            ["--publisher", "vm", "--output-path", dir], TestContext.Current.CancellationToken);
        await using var app = await builder.BuildAsync(TestContext.Current.CancellationToken);
        await app.RunAsync(TestContext.Current.CancellationToken);
        foreach (var file in new[] { "compose.yaml", "nginx.conf", ".env.template", "orderplatform.service" })
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), $"The bundle has no {file}.");
        }
        return dir;
    }

    private static Dictionary<string, YamlMappingNode> Services(string yaml, out YamlMappingNode root)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        root = (YamlMappingNode)stream.Documents[0].RootNode;
        return ((YamlMappingNode)root["services"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => (YamlMappingNode)kv.Value);
    }
}
