SignalHandling.StopOnSigIntEvenWhenInheritedIgnored();
var builder = DistributedApplication.CreateBuilder(AppHostArguments.Parse(args)).AddResourceProgress().LaunchBuiltPrograms();

// Secrets and integration settings (architecture.md); the optional ones are empty locally (see OptionalParameters).
// One secret per purpose: api-key is the bot's key for the Api; notify-key is the Worker's for the bot's /api/notify;
// flowrunner-key is the operators' key for the FlowRunner's flows API.
var apiKey = builder.AddParameter("api-key", new GenerateParameterDefault { MinLength = 22 }, secret: true, persist: true);
var notifyKey = builder.AddParameter("notify-key", new GenerateParameterDefault { MinLength = 22 }, secret: true, persist: true);
var flowRunnerKey = builder.AddParameter("flowrunner-key", new GenerateParameterDefault { MinLength = 22 }, secret: true, persist: true);
// Encrypts the FlowRunner's connections at rest and signs its resume URLs; rotating it makes both unreadable.
var flowRunnerSecretsKey = builder.AddParameter("flowrunner-secrets-key", new GenerateParameterDefault { MinLength = 32 }, secret: true, persist: true);
var botAppId = builder.AddOptionalParameter("bot-app-id");
var botAppPassword = builder.AddOptionalParameter("bot-app-password", secret: true);
var botTenantId = builder.AddOptionalParameter("bot-tenant-id");
var zohoClientId = builder.AddOptionalParameter("zoho-client-id", secret: true);
var zohoClientSecret = builder.AddOptionalParameter("zoho-client-secret", secret: true);
var zohoRefreshToken = builder.AddOptionalParameter("zoho-refresh-token", secret: true);
var zohoOrganizationId = builder.AddOptionalParameter("zoho-organization-id");
// The LLM endpoint is a connection string to the worker; Aspire cannot reference an empty connection string.
var llm = builder.AddOptionalParameter("llm", secret: true);
var webhookSigningKey = builder.AddParameter("webhook-signing-key", new GenerateParameterDefault { MinLength = 32 }, secret: true, persist: true);
// The ACI target of the task dispatcher; empty locally, where tasks run as local TaskWorker processes.
var aciSubscriptionId = builder.AddOptionalParameter("aci-subscription-id");
var aciResourceGroup = builder.AddOptionalParameter("aci-resource-group");
var aciLocation = builder.AddOptionalParameter("aci-location");
var aciIdentityId = builder.AddOptionalParameter("aci-identity-id");
var aciRegistryServer = builder.AddOptionalParameter("aci-registry-server");

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
    .WithEnvironment("Api__Clients__teamsbot__Keys__0", apiKey)
    .WithEnvironment("Api__Clients__teamsbot__Scopes__0", "orders")
    .WithEnvironment("Api__Clients__teamsbot__Scopes__1", "bot")
    .WithEnvironment("Api__Clients__teamsbot__Tenants__0", "*")
    .WithInternalEndpoint();

// No wait for the api: the bot stores each activity before it answers and replies "try again" while the Api is
// unreachable, so it starts alongside the Api rather than after it.
var teamsBot = builder.AddProject<Projects.OrderPlatform_TeamsBot>("teamsbot")
    .WithConnectionStringsAndServiceDiscovery()
    .WithExternalHttpEndpoints()
    // The Api's http/https endpoints only: its internal one serves health probes, nothing the bot calls.
    .WithReference(api.GetEndpoint("http")).WithReference(api.GetEndpoint("https"))
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithEnvironment("Api__Key", apiKey)
    .WithEnvironment("Notify__Key", notifyKey)
    .WithEnvironment("Bot__AppId", botAppId)
    .WithEnvironment("Bot__AppPassword", botAppPassword)
    .WithEnvironment("Bot__TenantId", botTenantId)
    .WithInternalEndpoint();

builder.AddProject<Projects.OrderPlatform_Worker>("worker")
    .WithConnectionStringsAndServiceDiscovery()
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithReference(blobs).WaitFor(storage)
    .WithReference(cosmos)
    .WithReference(temporal).WaitFor(temporal)
    // The bot's /api/notify answers on its internal port only (InternalEndpoints).
    .WithReference(teamsBot.GetEndpoint(InternalEndpoints.Name))
    .WithEnvironment("ConnectionStrings__llm", llm)
    .WithEnvironment("Notifications__ApiKey", notifyKey)
    .WithEnvironment("Zoho__ClientId", zohoClientId)
    .WithEnvironment("Zoho__ClientSecret", zohoClientSecret)
    .WithEnvironment("Zoho__RefreshToken", zohoRefreshToken)
    .WithEnvironment("Zoho__OrganizationId", zohoOrganizationId)
    .WithHttpHealthCheck("/health");

// Automation flows: webhooks from outside (external endpoint), runs in flowsdb, the work queue in Redis, large bodies
// and step outputs in blobs.
builder.AddProject<Projects.OrderPlatform_FlowRunner>("flowrunner")
    .WithConnectionStringsAndServiceDiscovery()
    .WithExternalHttpEndpoints()
    .WithReference(flowsDb).WaitFor(flowsDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(blobs).WaitFor(storage)
    .WithEnvironment("FlowRunner__Keys__0", flowRunnerKey)
    .WithEnvironment("FlowRunner__Connections__Key", flowRunnerSecretsKey)
    .WithInternalEndpoint();

// The task image: never started by the AppHost (the dispatcher starts one per task); published so its image is built.
builder.AddProject<Projects.OrderPlatform_TaskWorker>("taskworker")
    .WithReference(blobs)
    .WithExplicitStart();

// Redis carries producers' wake-ups (channel taskdispatch:wake); optional, so no wait: without it the dispatcher polls.
builder.AddProject<Projects.OrderPlatform_TaskDispatcher>("taskdispatcher")
    .WithConnectionStringsAndServiceDiscovery()
    .WithReference(queues).WithReference(blobs).WaitFor(storage)
    .WithReference(redis)
    .WithEnvironment("TaskDispatch__Webhooks__SigningKey", webhookSigningKey)
    .WithEnvironment("TaskDispatch__Aci__SubscriptionId", aciSubscriptionId)
    .WithEnvironment("TaskDispatch__Aci__ResourceGroup", aciResourceGroup)
    .WithEnvironment("TaskDispatch__Aci__Location", aciLocation)
    .WithEnvironment("TaskDispatch__Aci__IdentityId", aciIdentityId)
    .WithEnvironment("TaskDispatch__Aci__RegistryServer", aciRegistryServer)
    .WithHttpHealthCheck("/health");

// The single-VM deployment: --operation publish --step vm-bundle --output-path DIR (infra/README.md).
builder.AddVmBundle();

builder.Build().Run();
