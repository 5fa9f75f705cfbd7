var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var ordersDb = postgres.AddDatabase("ordersdb");
var flowsDb = postgres.AddDatabase("flowsdb");
var redis = builder.AddRedis("redis");
var storage = builder.AddAzureStorage("storage");
var blobs = storage.AddBlobs("blobs");
var queues = storage.AddQueues("queues");

builder.AddProject<Projects.OrderPlatform_Api>("api")
    .WithExternalHttpEndpoints()
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(blobs).WithReference(queues).WaitFor(storage)
    .WithHttpHealthCheck("/health");

_ = flowsDb;

builder.Build().Run();
