var builder = DistributedApplication.CreateBuilder(args);

// Secrets and integration settings (architecture.md). Optional ones left empty switch the feature to its local mode:
// no bot app id = the bot's Development mode, no Zoho credentials = dry-run drafts, no llm = committee without LLM.
var apiKey = builder.AddGeneratedParameter("api-key");
var botAppId = builder.AddParameter("bot-app-id", defaultValue: "");
var botAppPassword = builder.AddParameter("bot-app-password", secret: true, optional: true);
var botTenantId = builder.AddParameter("bot-tenant-id", defaultValue: "");
var zohoClientId = builder.AddParameter("zoho-client-id", secret: true, optional: true);
var zohoClientSecret = builder.AddParameter("zoho-client-secret", secret: true, optional: true);
var zohoRefreshToken = builder.AddParameter("zoho-refresh-token", secret: true, optional: true);
var zohoOrganizationId = builder.AddParameter("zoho-organization-id", defaultValue: "");
var llm = builder.AddConnectionString("llm", optional: true);

var postgres = builder.AddPostgres("postgres");
var ordersDb = postgres.AddDatabase("ordersdb");
postgres.AddDatabase("flowsdb");
var redis = builder.AddRedis("redis");
var storage = builder.AddAzureStorage("storage");
var blobs = storage.AddBlobs("blobs");
var queues = storage.AddQueues("queues");
var cosmos = builder.AddAzureCosmosDB("cosmos");
cosmos.AddCosmosDatabase("orders");
var temporal = builder.AddTemporal("temporal").WithPostgres(postgres);

var api = builder.AddProject<Projects.OrderPlatform_Api>("api")
    .WithExternalHttpEndpoints()
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(blobs).WithReference(queues).WaitFor(storage)
    .WithReference(cosmos)
    .WithReference(temporal).WaitFor(temporal)
    .WithEnvironment("Api__Keys__0", apiKey)
    .WithHttpHealthCheck("/health");

var teamsBot = builder.AddProject<Projects.OrderPlatform_TeamsBot>("teamsbot")
    .WithExternalHttpEndpoints()
    .WithReference(api).WaitFor(api)
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithEnvironment("Api__Key", apiKey)
    .WithEnvironment("Bot__AppId", botAppId)
    .WithEnvironment("Bot__AppPassword", botAppPassword)
    .WithEnvironment("Bot__TenantId", botTenantId)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.OrderPlatform_Worker>("worker")
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithReference(blobs).WaitFor(storage)
    .WithReference(cosmos)
    .WithReference(temporal).WaitFor(temporal)
    .WithReference(teamsBot)
    .WithReference(llm)
    .WithEnvironment("Notifications__ApiKey", apiKey)
    .WithEnvironment("Zoho__ClientId", zohoClientId)
    .WithEnvironment("Zoho__ClientSecret", zohoClientSecret)
    .WithEnvironment("Zoho__RefreshToken", zohoRefreshToken)
    .WithEnvironment("Zoho__OrganizationId", zohoOrganizationId)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
