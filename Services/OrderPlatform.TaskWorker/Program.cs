using OrderPlatform.TaskWorker;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddTaskWorker();

using var host = builder.Build();

return await host.RunTaskWorkerAsync();
