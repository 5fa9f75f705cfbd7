using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using YamlDotNet.RepresentationModel;

namespace OrderPlatform.Hosting.Vm.Tests;

public sealed class ComposeValuesTests
{
    [Fact]
    public async Task NestedExpressionsBecomeServiceNamesTargetPortsAndVariables()
    {
        var builder = Bundles.CreateBuilder(out var output);
        var token = builder.AddParameter("token", secret: true);
        var postgres = builder.AddPostgres("postgres");
        var db = postgres.AddDatabase("ordersdb");
        var inner = ReferenceExpression.Create($"{postgres.GetEndpoint("tcp").Property(EndpointProperty.HostAndPort)}/{db.Resource.DatabaseName}");
        var literal = builder.AddConnectionString("literal", ReferenceExpression.Create($"a b/c")).Resource;
        builder.AddContainer("app", "docker.io/library/busybox", "1.37")
            .WithEnvironment("NESTED", ReferenceExpression.Create($"pg://{inner}?token={token}"))
            .WithEnvironment("ENCODED", ReferenceExpression.Create($"x={literal:uri}&t={token:uri}"))
            .WithEnvironment("DB", ReferenceExpression.Create($"{db}"))
            .WithEnvironment("LITERAL", "p$ss");
        await Bundles.PublishAsync(builder);
        var app = (await Bundles.ServicesAsync(output))["app"];
        Assert.Equal("pg://postgres:5432/ordersdb?token=${TOKEN}", Bundles.Env(app, "NESTED"));
        Assert.Equal("x=a%20b%2Fc&t=${TOKEN}", Bundles.Env(app, "ENCODED"));
        Assert.Equal("Host=postgres;Port=5432;Username=postgres;Password=${POSTGRES_PASSWORD};Database=ordersdb", Bundles.Env(app, "DB"));
        Assert.Equal("p$$ss", Bundles.Env(app, "LITERAL"));
        Assert.Equal("postgres", ((YamlMappingNode)app["depends_on"]).Children.Keys.Single().ToString());
        Assert.Contains("\nTOKEN=\n", await Bundles.ReadAsync(output, ".env.template"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AzureStorageRunsAsAzuriteAndCosmosIsLeftOut()
    {
        var builder = Bundles.CreateBuilder(out var output);
        var storage = builder.AddAzureStorage("files");
        var container = storage.AddBlobContainer("documents");
        var queue = storage.AddQueue("tasks", "client-tasks");
        var cosmos = builder.AddAzureCosmosDB("cosmos");
        var database = cosmos.AddCosmosDatabase("orders");
        builder.AddContainer("app", "docker.io/library/busybox", "1.37")
            .WithReference(container).WithReference(queue).WithReference(database).WaitFor(storage).WaitFor(cosmos)
            .WithEnvironment("BLOB_URI", ReferenceExpression.Create($"{storage.Resource.BlobEndpoint}"))
            .WithEnvironment("ACCOUNT", ReferenceExpression.Create($"{storage.Resource.NameOutputReference}"));
        await Bundles.PublishAsync(builder);
        var services = await Bundles.ServicesAsync(output);
        Assert.Equal(["files", "app", "nginx"], services.Keys);
        var app = services["app"];
        const string Account = "DefaultEndpointsProtocol=http;AccountName=orderplatform;AccountKey=${STORAGE_ACCOUNT_KEY};";
        Assert.Equal($"{Account}BlobEndpoint=http://files:10000/orderplatform;ContainerName=documents", Bundles.Env(app, "ConnectionStrings__documents"));
        Assert.Equal($"{Account}QueueEndpoint=http://files:10001/orderplatform;QueueName=client-tasks", Bundles.Env(app, "ConnectionStrings__tasks"));
        Assert.Equal("", Bundles.Env(app, "ConnectionStrings__orders"));
        Assert.Equal("http://files:10000/orderplatform", Bundles.Env(app, "BLOB_URI"));
        Assert.Equal("orderplatform", Bundles.Env(app, "ACCOUNT"));
        Assert.Equal("files", ((YamlMappingNode)app["depends_on"]).Children.Keys.Single().ToString());
        Assert.Equal(["orderplatform-files-data:/data"], ((YamlSequenceNode)services["files"]["volumes"]).Select(v => v.ToString()));
        Assert.Contains("\nSTORAGE_ACCOUNT_KEY=\n", await Bundles.ReadAsync(output, ".env.template"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEnvTemplateCarriesDescriptionsAndPlainDefaultsButNoSecretValues()
    {
        var builder = Bundles.CreateBuilder(out var output);
        var region = builder.AddParameter("region", "westeurope", publishValueAsDefault: true).WithDescription("Azure region\nof the VM.");
        var secret = builder.AddParameter("zoho-client-secret", "local-value", secret: true).WithDescription("Empty: drafts are dry runs.");
        builder.AddContainer("app", "docker.io/library/busybox", "1.37").WithEnvironment("REGION", region).WithEnvironment("SECRET", secret);
        await Bundles.PublishAsync(builder);
        var template = await Bundles.ReadAsync(output, ".env.template");
        Assert.Contains("\n# region (default: westeurope): Azure region of the VM.\nREGION=westeurope\n", template, StringComparison.Ordinal);
        Assert.Contains("\n# zoho-client-secret (secret): Empty: drafts are dry runs.\nZOHO_CLIENT_SECRET=\n", template, StringComparison.Ordinal);
        Assert.DoesNotContain("local-value", template, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConditionalValueTakesTheBranchOfItsEndpoint()
    {
        var builder = Bundles.CreateBuilder(out var output);
        var redis = builder.AddRedis("redis");
        var tls = redis.GetEndpoint("tcp").Property(EndpointProperty.TlsEnabled);
        builder.AddContainer("app", "docker.io/library/busybox", "1.37")
            .WithEnvironment("SSL", ReferenceExpression.CreateConditional(tls, bool.TrueString, ReferenceExpression.Create($"on"), ReferenceExpression.Create($"off")));
        await Bundles.PublishAsync(builder);
        Assert.Equal("off", Bundles.Env((await Bundles.ServicesAsync(output))["app"], "SSL"));
    }

    [Fact]
    public async Task ProjectsLoseTheirHttpsAddressesAndPorts()
    {
        var builder = Bundles.CreateBuilder(out var output);
        var api = builder.AddProject("api", Models.ServiceProject("OrderPlatform.Api")).WithHttpEndpoint().WithHttpsEndpoint();
        builder.AddProject("teamsbot", Models.ServiceProject("OrderPlatform.TeamsBot")).WithHttpEndpoint().WithReference(api);
        await Bundles.PublishAsync(builder);
        var services = await Bundles.ServicesAsync(output);
        var apiEnv = ((YamlMappingNode)services["api"]["environment"]).Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Contains("HTTP_PORTS", apiEnv);
        Assert.DoesNotContain("HTTPS_PORTS", apiEnv);
        var botEnv = ((YamlMappingNode)services["teamsbot"]["environment"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
        Assert.Equal("http://api:8080", botEnv["services__api__http__0"]);
        Assert.DoesNotContain(botEnv, kv => kv.Value.StartsWith("https://", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHealthCheckOfTheAppHostReplacesTheDefaultAndKeepsItsDollars()
    {
        var builder = Bundles.CreateBuilder(out var output);
        builder.AddContainer("app", "docker.io/library/busybox", "1.37").WithVmHealthCheck("CMD-SHELL", "test -n \"$HOME\"");
        builder.AddContainer("plain", "docker.io/library/busybox", "1.37").WithEndpoint("tcp", e => e.TargetPort = 9000);
        await Bundles.PublishAsync(builder);
        var services = await Bundles.ServicesAsync(output);
        Assert.Equal(["CMD-SHELL", "test -n \"$$HOME\""], ((YamlSequenceNode)((YamlMappingNode)services["app"]["healthcheck"])["test"]).Select(n => n.ToString()));
        Assert.Contains("nc -z 127.0.0.1 9000", ((YamlMappingNode)services["plain"]["healthcheck"])["test"][1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueThatExistsOnlyInAzureFailsTheStepByName()
    {
        var builder = Bundles.CreateBuilder(out _);
        builder.AddContainer("app", "docker.io/library/busybox", "1.37").WithEnvironment("BLOBS", ReferenceExpression.Create($"{new AzureOutput()}"));
        Models.Find(await Record.ExceptionAsync(() => Bundles.PublishAsync(builder)), "'{storage.outputs.blobEndpoint}' has no value on the VM");
    }

    [Fact]
    public async Task AnExecutableFailsTheStepUnlessExcluded()
    {
        var builder = Bundles.CreateBuilder(out _);
        builder.AddExecutable("tool", "echo", ".");
        Models.Find(await Record.ExceptionAsync(() => Bundles.PublishAsync(builder)), "Resource 'tool' is an executable");

        var excluded = Bundles.CreateBuilder(out var output);
        excluded.AddExecutable("tool", "echo", ".").ExcludeFromManifest();
        await Bundles.PublishAsync(excluded);
        Assert.Equal(["nginx"], (await Bundles.ServicesAsync(output)).Keys);
    }

    [Fact]
    public async Task ABindMountFailsTheStep()
    {
        var builder = Bundles.CreateBuilder(out _);
        builder.AddContainer("app", "docker.io/library/busybox", "1.37").WithBindMount("/srv/data", "/data");
        Models.Find(await Record.ExceptionAsync(() => Bundles.PublishAsync(builder)), "'app' bind-mounts '/srv/data'");
    }

    [Fact]
    public async Task AnOutputPathNamingAFileFailsTheStep()
    {
        var builder = Aspire.Hosting.Testing.DistributedApplicationTestingBuilder.Create(
            "--operation", "publish", "--step", VmBundleBuilderExtensions.StepName, "--output-path", Path.Combine(TestPaths.NewDirectory("file"), "bundle.yaml"));
        builder.AddVmBundle();
        Models.Find(await Record.ExceptionAsync(() => Bundles.PublishAsync(builder)), "--output-path must name a folder");
    }

    /// <summary>Stands for an Azure Bicep output, which has a value only once azd has deployed the module.</summary>
    private sealed class AzureOutput : IManifestExpressionProvider, IValueProvider
    {
        public string ValueExpression => "{storage.outputs.blobEndpoint}";

        public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException("Azure only.");
    }
}
