using OrderPlatform.FlowRunner.Connections;
using OrderPlatform.FlowRunner.Flows;
using OrderPlatform.FlowRunner.Metrics;
using OrderPlatform.FlowRunner.Runs;
using OrderPlatform.FlowRunner.Ui;
using OrderPlatform.FlowRunner.Waitpoints;
using OrderPlatform.FlowRunner.Webhooks;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapOpenApi().RequireAuthorization();

app.MapFlowsApi();
app.MapRunsApi();
app.MapWebhooksApi();
app.MapConnectionsApi();
app.MapWaitpointsApi();
app.MapMetricsApi();
app.MapRunsPage();

app.Run();
