using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Hosting.Vm.Tests;

public sealed partial class VmBundleTests
{
    private const string Nginx = "/usr/sbin/nginx";

    [Fact]
    public async Task EveryServiceHasAHealthcheckAndOnlyNginxPublishesPorts()
    {
        var output = await PublishOrderPlatformAsync();
        var services = Bundles.Services(await Bundles.ReadAsync(output, "compose.yaml"), out var root);
        Assert.Equal(["postgres", "redis", "storage", "temporal", "temporal-ui", "api", "teamsbot", "worker", "flowrunner", "taskdispatcher", "nginx"], services.Keys);
        foreach (var (name, service) in services)
        {
            Assert.True(service.Children.ContainsKey("healthcheck"), $"{name} has no healthcheck.");
            Assert.NotEmpty((YamlSequenceNode)((YamlMappingNode)service["healthcheck"])["test"]);
            Assert.Equal("unless-stopped", service["restart"].ToString());
            Assert.Equal(name == "nginx", service.Children.ContainsKey("ports"));
        }
        Assert.Equal(["80:80", "443:443"], ((YamlSequenceNode)services["nginx"]["ports"]).Select(p => p.ToString()));
        var declared = ((YamlMappingNode)root["volumes"]).Children.Keys.Select(k => k.ToString()).ToHashSet();
        Assert.Equal(["orderplatform-postgres-data", "orderplatform-redis-data", "orderplatform-storage-data"], declared);
        foreach (var volume in services.Values.Where(s => s.Children.ContainsKey("volumes")).SelectMany(s => (YamlSequenceNode)s["volumes"]).Select(v => v.ToString().Split(':')[0]))
        {
            Assert.True(volume.StartsWith('/') || volume.StartsWith('.') || declared.Contains(volume), $"Volume {volume} is neither a bind mount nor declared.");
        }
        var api = services["api"];
        Assert.Equal("Host=postgres;Port=5432;Username=postgres;Password=${POSTGRES_PASSWORD};Database=ordersdb", Bundles.Env(api, "ConnectionStrings__ordersdb"));
        Assert.Equal("redis:6379,password=${REDIS_PASSWORD}", Bundles.Env(api, "ConnectionStrings__redis"));
        Assert.Equal("temporal:7233", Bundles.Env(api, "ConnectionStrings__temporal"));
        Assert.Equal("${API_KEY}", Bundles.Env(api, "Api__Clients__teamsbot__Keys__0"));
        // The public port and the internal one (health probes, the bot's /api/notify), which nginx never routes to.
        Assert.Equal("8080;8081", Bundles.Env(api, "HTTP_PORTS"));
        Assert.Equal("8081", Bundles.Env(api, "InternalEndpoint__Port"));
        Assert.Equal("8081", Bundles.Env(services["teamsbot"], "InternalEndpoint__Port"));
        Assert.Equal("http://teamsbot:8081", Bundles.Env(services["worker"], "services__teamsbot__internal__0"));
        Assert.Equal("${REGISTRY:-localhost}/orderplatform-api:${TAG:-latest}", api["image"].ToString());
        Assert.Equal(["postgres", "redis", "storage", "temporal"], ((YamlMappingNode)api["depends_on"]).Children.Keys.Select(k => k.ToString()));
        Assert.Equal("DefaultEndpointsProtocol=http;AccountName=orderplatform;AccountKey=${STORAGE_ACCOUNT_KEY};BlobEndpoint=http://storage:10000/orderplatform;", Bundles.Env(api, "ConnectionStrings__blobs"));
        Assert.Equal("DefaultEndpointsProtocol=http;AccountName=orderplatform;AccountKey=${STORAGE_ACCOUNT_KEY};QueueEndpoint=http://storage:10001/orderplatform;", Bundles.Env(api, "ConnectionStrings__queues"));
        // No Cosmos DB on the VM: an empty connection string keeps cases in Postgres.
        Assert.Equal("", Bundles.Env(api, "ConnectionStrings__cosmos"));
        Assert.Equal("orderplatform:${STORAGE_ACCOUNT_KEY}", Bundles.Env(services["storage"], "AZURITE_ACCOUNTS"));
        Assert.Equal("http://api:8080", Bundles.Env(services["teamsbot"], "services__api__http__0"));
        Assert.Equal("${LLM}", Bundles.Env(services["worker"], "ConnectionStrings__llm"));
        Assert.Equal("${NOTIFY_KEY}", Bundles.Env(services["worker"], "Notifications__ApiKey"));
        Assert.Equal("${NOTIFY_KEY}", Bundles.Env(services["teamsbot"], "Notify__Key"));
        Assert.Equal("${REGISTRY:-localhost}/orderplatform-worker:${TAG:-latest}", services["worker"]["image"].ToString());
    }

    [Fact]
    public async Task TheEnvTemplateListsEveryParameterAndTheUnitRunsCompose()
    {
        var output = await PublishOrderPlatformAsync();
        var template = await Bundles.ReadAsync(output, ".env.template");
        foreach (var line in new[] { "DOMAIN=", "ACME_EMAIL=", "REGISTRY=", "TAG=latest" })
        {
            Assert.Contains($"\n{line}\n", template, StringComparison.Ordinal);
        }
        var lines = template.Split('\n');
        foreach (var (variable, comment) in new[]
        {
            ("API_KEY", "api-key (secret, generate:"), ("NOTIFY_KEY", "notify-key (secret, generate:"), ("POSTGRES_PASSWORD", "postgres-password (secret, generate:"),
            ("REDIS_PASSWORD", "redis-password (secret, generate:"), ("BOT_APP_PASSWORD", "bot-app-password (secret)\n"),
            ("ZOHO_CLIENT_SECRET", "zoho-client-secret (secret)\n"), ("BOT_APP_ID", "bot-app-id (default: )\n"),
            ("LLM", "llm (secret)\n"), ("STORAGE_ACCOUNT_KEY", "Azurite account key (secret, generate:"),
        })
        {
            // cloud-init (infra/vm) fills NAME= lines and generates a value when the comment right above says generate:.
            var index = Array.IndexOf(lines, $"{variable}=");
            Assert.True(index > 0, $"{variable}= is not in the template:\n{template}");
            Assert.StartsWith($"# {comment}", lines[index - 1] + "\n", StringComparison.Ordinal);
        }
        var unit = await Bundles.ReadAsync(output, "orderplatform.service");
        Assert.Contains("ExecStart=/usr/bin/docker compose --project-directory /opt/orderplatform up", unit, StringComparison.Ordinal);
        Assert.Contains("EnvironmentFile=/opt/orderplatform/.env", unit, StringComparison.Ordinal);
        Assert.Contains("WantedBy=multi-user.target", unit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryDollarInComposeIsAnEscapeOrAVariableTheEnvTemplateDefines()
    {
        var output = await PublishOrderPlatformAsync();
        var compose = await Bundles.ReadAsync(output, "compose.yaml");
        var defined = EnvLine().Matches(await Bundles.ReadAsync(output, ".env.template")).Select(m => m.Groups[1].Value).ToHashSet();
        // Compose interpolates $NAME and ${NAME[:-default]}, reads $$ as '$' and rejects any other '$'.
        foreach (Match m in Dollar().Matches(compose))
        {
            var variable = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["named"].Value;
            Assert.False(m.Groups["invalid"].Success, $"Compose rejects the '$' at {m.Index}: …{compose[Math.Max(0, m.Index - 30)..Math.Min(compose.Length, m.Index + 30)]}…");
            Assert.True(m.Groups["escaped"].Success || defined.Contains(variable) || m.Groups["default"].Success, $"${{{variable}}} is not in .env.template.");
        }
        Assert.Contains("$$(hostname -i)", compose, StringComparison.Ordinal);
        Assert.Contains("--requirepass $$REDIS_PASSWORD", compose, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemporalRunsAsAutoSetupOnPostgresWithItsUiAndNamespace()
    {
        var output = await PublishOrderPlatformAsync();
        var services = await Bundles.ServicesAsync(output);
        var temporal = services["temporal"];
        Assert.Equal($"docker.io/temporalio/auto-setup:{TemporalBuilderExtensions.AutoSetupTag}", temporal["image"].ToString());
        Assert.Equal("postgres", Bundles.Env(temporal, "POSTGRES_SEEDS"));
        Assert.Equal("5432", Bundles.Env(temporal, "DB_PORT"));
        Assert.Equal("${POSTGRES_PASSWORD}", Bundles.Env(temporal, "POSTGRES_PWD"));
        Assert.Equal("order-processing", Bundles.Env(temporal, "DEFAULT_NAMESPACE"));
        Assert.Equal("postgres", ((YamlMappingNode)temporal["depends_on"]).Children.Keys.Single().ToString());
        Assert.Equal("temporal:7233", Bundles.Env(services["temporal-ui"], "TEMPORAL_ADDRESS"));
        Assert.Equal("temporal", ((YamlMappingNode)services["temporal-ui"]["depends_on"]).Children.Keys.Single().ToString());
    }

    [Fact]
    public async Task NginxAcceptsTheGeneratedConfigWithEveryRoute()
    {
        Assert.True(File.Exists(Nginx), "nginx is not installed: apt-get install -y nginx");
        var output = TestPaths.NewDirectory("vm-routes");
        await Bundles.PublishAppHostAsync(output);
        var config = await Bundles.ReadAsync(output, "nginx.conf");
        foreach (var expected in new[]
        {
            "location /api/ {", "set $upstream http://api:8080;", "location /api/messages {", "set $upstream http://teamsbot:8080;",
            "location /webhooks/ {", "rewrite ^/webhooks/(.*)$ /api/v1/webhooks/$1 break;", "location /api/v1/webhooks/ {", "set $upstream http://flowrunner:8080;",
            "location /ui/ {",
            "location /temporal/ {", "set $upstream http://temporal-ui:8080;", "auth_basic_user_file /etc/nginx/htpasswd;",
            "ssl_protocols TLSv1.2 TLSv1.3;", "Strict-Transport-Security", "return 301 https://$host$request_uri;", "client_max_body_size 20736k;",
        })
        {
            Assert.Contains(expected, config, StringComparison.Ordinal);
        }
        // /api/notify falls under /api/ (the Api, which has no such route): the bot's notify stays off the internet.
        Assert.DoesNotContain("/api/notify", config, StringComparison.Ordinal);
        Assert.DoesNotContain(":8081", config, StringComparison.Ordinal);
        var nginx = (await Bundles.ServicesAsync(output))["nginx"];
        Assert.Equal(["api", "teamsbot", "flowrunner", "temporal-ui"], ((YamlMappingNode)nginx["depends_on"]).Children.Keys.Select(k => k.ToString()));

        var result = await NginxTestAsync(output, config);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("test is successful", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutesToServicesTheModelLacksAreLeftOut()
    {
        var builder = Bundles.CreateBuilder(out var output);
        builder.AddProject("api", Models.ServiceProject("OrderPlatform.Api")).WithHttpEndpoint();
        await Bundles.PublishAsync(builder);
        var config = await Bundles.ReadAsync(output, "nginx.conf");
        Assert.Contains("location /api/ {", config, StringComparison.Ordinal);
        Assert.DoesNotContain("teamsbot", config, StringComparison.Ordinal);
        Assert.DoesNotContain("/temporal/", config, StringComparison.Ordinal);
        Assert.Equal(["api", "nginx"], (await Bundles.ServicesAsync(output)).Keys);
    }

    [Fact]
    public async Task TheRunsPageIsForwardedToTheFlowRunnerAtThePathItServes()
    {
        Assert.True(File.Exists(Nginx), "nginx is not installed: apt-get install -y nginx");
        var builder = Bundles.CreateBuilder(out var output);
        builder.AddProject("flowrunner", Models.ServiceProject("OrderPlatform.FlowRunner")).WithHttpEndpoint();
        await Bundles.PublishAsync(builder);
        var config = await Bundles.ReadAsync(output, "nginx.conf");

        // Unrewritten: the page's links, its redirect to /ui/login and its cookie (Path=/ui) name the public path as is,
        // and X-Forwarded-Proto (set for every location) makes the cookie Secure behind TLS.
        var block = config[config.IndexOf("location /ui/ {", StringComparison.Ordinal)..];
        block = block[..block.IndexOf('}')];
        Assert.Contains("set $upstream http://flowrunner:8080;", block, StringComparison.Ordinal);
        Assert.Contains("proxy_pass $upstream;", block, StringComparison.Ordinal);
        Assert.DoesNotContain("rewrite", block, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-Proto $scheme;", config, StringComparison.Ordinal);
        var result = await NginxTestAsync(output, config);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    /// <summary><c>nginx -t</c> with a throwaway certificate where certbot would put the real one.</summary>
    private static async Task<Tools.Result> NginxTestAsync(string output, string config)
    {
        var certs = TestPaths.NewDirectory("certs");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=orderplatform.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(Path.Combine(certs, "fullchain.pem"), cert.ExportCertificatePem(), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(certs, "privkey.pem"), key.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);
        }
        var testConfig = Path.Combine(output, "nginx.test.conf");
        await File.WriteAllTextAsync(testConfig, config.Replace("/etc/letsencrypt/live/orderplatform", certs, StringComparison.Ordinal), TestContext.Current.CancellationToken);
        return await Tools.RunAsync(Nginx, ["-t", "-c", testConfig, "-p", output + "/", "-e", "stderr"]);
    }

    private static async Task<string> PublishOrderPlatformAsync()
    {
        var output = TestPaths.NewDirectory("vm-apphost");
        await Bundles.PublishAppHostAsync(output);
        foreach (var file in Bundles.Files)
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"The bundle has no {file}.");
        }
        return output;
    }

    [GeneratedRegex(@"^([A-Z0-9_]+)=", RegexOptions.Multiline)]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"\$(?:(?<escaped>\$)|(?<named>[_A-Za-z][_A-Za-z0-9]*)|\{(?<braced>[_A-Za-z][_A-Za-z0-9]*)(?<default>:?-[^}]*)?\}|(?<invalid>))")]
    private static partial Regex Dollar();
}
