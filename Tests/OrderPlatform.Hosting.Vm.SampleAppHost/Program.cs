using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var apiKey = builder.AddParameter("api-key", new GenerateParameterDefault { MinLength = 22 }, secret: true);
var postgres = builder.AddPostgres("postgres").WithDataVolume("orderplatform-postgres-data");
var ordersDb = postgres.AddDatabase("ordersdb");
var redis = builder.AddRedis("redis").WithDataVolume("orderplatform-redis-data");
var temporal = builder.AddTemporal("temporal").WithPostgres(postgres);

// The project is only named, never built: the bundle reads its ContainerRepository and runs the image.
builder.AddProject("api", Path.Combine(builder.AppHostDirectory, "../../Services/OrderPlatform.Api/OrderPlatform.Api.csproj"))
    .WithHttpEndpoint()
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(temporal).WaitFor(temporal)
    .WithEnvironment("Api__Keys__0", apiKey);

// --Sample:AddExecutable=true gives the model something the VM bundle refuses, so the step fails.
if (builder.Configuration.GetValue<bool>("Sample:AddExecutable"))
{
    builder.AddExecutable("tool", "echo", builder.AppHostDirectory, "hello");
}

builder.AddVmBundle();

builder.Build().Run();
