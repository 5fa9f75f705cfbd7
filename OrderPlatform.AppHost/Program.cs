SignalHandling.StopOnSigIntEvenWhenInheritedIgnored();
var builder = DistributedApplication.CreateBuilder(AppHostArguments.Parse(args)).AddResourceProgress();

// Secrets and integration settings (architecture.md); the optional ones are empty locally (see OptionalParameters).
var apiKey = builder.AddParameter("api-key", new GenerateParameterDefault { MinLength = 22 }, secret: true, persist: true);
var botAppId = builder.AddOptionalParameter("bot-app-id");
var botAppPassword = builder.AddOptionalParameter("bot-app-password", secret: true);
var botTenantId = builder.AddOptionalParameter("bot-tenant-id");
var zohoClientId = builder.AddOptionalParameter("zoho-client-id", secret: true);
var zohoClientSecret = builder.AddOptionalParameter("zoho-client-secret", secret: true);
var zohoRefreshToken = builder.AddOptionalParameter("zoho-refresh-token", secret: true);
var zohoOrganizationId = builder.AddOptionalParameter("zoho-organization-id");
// The LLM endpoint is a connection string to the worker; Aspire cannot reference an empty connection string.
var llm = builder.AddOptionalParameter("llm", secret: true);

// Backing services: official containers where an engine answers, local processes where none does.
var postgres = builder.AddPostgres("postgres").WithDataVolume("orderplatform-postgres-data").WithLocalProcessFallback();
var ordersDb = postgres.AddDatabase("ordersdb");
var flowsDb = postgres.AddDatabase("flowsdb");
var redis = builder.AddRedis("redis").WithDataVolume("orderplatform-redis-data").WithTcpSchemeWhenPublished().WithLocalProcessFallback();
var storage = builder.AddAzureStorage("storage").RunAsEmulator().WithLocalProcessFallback(new AzuriteLauncher());
var blobs = storage.AddBlobs("blobs");
var queues = storage.AddQueues("queues");
var cosmos = builder.AddAzureCosmosDB("cosmos");
cosmos.AddCosmosDatabase("orders");
var temporal = builder.AddTemporal("temporal").WithPostgres(postgres);

var api = builder.AddProject<Projects.OrderPlatform_Api>("api")
    .WithConnectionStringsAndServiceDiscovery()
    .WithExternalHttpEndpoints()
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(blobs).WithReference(queues).WaitFor(storage)
    .WithReference(cosmos)
    .WithReference(temporal).WaitFor(temporal)
    .WithEnvironment("Api__Keys__0", apiKey)
    .WithHttpHealthCheck("/health");

var teamsBot = builder.AddProject<Projects.OrderPlatform_TeamsBot>("teamsbot")
    .WithConnectionStringsAndServiceDiscovery()
    .WithExternalHttpEndpoints()
    .WithReference(api).WaitFor(api)
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithEnvironment("Api__Key", apiKey)
    .WithEnvironment("Bot__AppId", botAppId)
    .WithEnvironment("Bot__AppPassword", botAppPassword)
    .WithEnvironment("Bot__TenantId", botTenantId)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.OrderPlatform_Worker>("worker")
    .WithConnectionStringsAndServiceDiscovery()
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithReference(blobs).WaitFor(storage)
    .WithReference(cosmos)
    .WithReference(temporal).WaitFor(temporal)
    .WithReference(teamsBot)
    .WithEnvironment("ConnectionStrings__llm", llm)
    .WithEnvironment("Notifications__ApiKey", apiKey)
    .WithEnvironment("Zoho__ClientId", zohoClientId)
    .WithEnvironment("Zoho__ClientSecret", zohoClientSecret)
    .WithEnvironment("Zoho__RefreshToken", zohoRefreshToken)
    .WithEnvironment("Zoho__OrganizationId", zohoOrganizationId)
    .WithHttpHealthCheck("/health");

// Automation flows: webhooks from outside (external endpoint), runs in flowsdb, the work queue in Redis.
builder.AddProject<Projects.OrderPlatform_FlowRunner>("flowrunner")
    .WithConnectionStringsAndServiceDiscovery()
    .WithExternalHttpEndpoints()
    .WithReference(flowsDb).WaitFor(flowsDb)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("FlowRunner__Keys__0", apiKey)
    .WithHttpHealthCheck("/health");

// The single-VM deployment: --operation publish --step vm-bundle --output-path DIR (infra/README.md).
builder.AddVmBundle();

builder.Build().Run();
