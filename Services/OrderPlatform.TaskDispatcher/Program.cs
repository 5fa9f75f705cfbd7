using OrderPlatform.TaskDispatcher;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTaskDispatcher();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

/// <summary>Entry point, public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
