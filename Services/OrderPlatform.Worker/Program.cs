using OrderPlatform.Worker;
using OrderPlatform.Worker.Workflows;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWorkerServices();
builder.AddOrderProcessing();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
