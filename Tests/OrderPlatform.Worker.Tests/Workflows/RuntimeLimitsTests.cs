using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderPlatform.Worker.Committee;
using OrderPlatform.Worker.Workflows;
using Temporalio.Extensions.Hosting;

namespace OrderPlatform.Worker.Tests.Workflows;

/// <summary>The Worker's own registration (service defaults included), as its Program builds it.</summary>
public sealed class RuntimeLimitsTests
{
    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddWorkerServices();
        return builder;
    }

    [Fact]
    public void TheTemporalWorkerTakesItsConcurrencyAndShutdownWindowFromConfigurationAndTheHostWaitsForIt()
    {
        var builder = Builder(new()
        {
            ["ConnectionStrings:temporal"] = "127.0.0.1:7233",
            ["ConnectionStrings:ordersdb"] = "Host=127.0.0.1;Database=unused;Username=u;Password=p",
            ["ConnectionStrings:blobs"] = "UseDevelopmentStorage=true",
            ["Temporal:TaskQueue"] = "limits-queue",
            ["Temporal:MaxConcurrentActivities"] = "7",
            ["Temporal:GracefulShutdown"] = "00:00:45",
        });
        builder.AddOrderProcessing();
        using var host = builder.Build();

        var worker = host.Services.GetRequiredService<IOptionsMonitor<TemporalWorkerServiceOptions>>()
            .Get("limits-queue");

        Assert.Equal(7, worker.MaxConcurrentActivities);
        Assert.Equal(TimeSpan.FromSeconds(45), worker.GracefulShutdownTimeout);
        Assert.True(host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout > TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task AnLlmThatDoesNotAnswerIsCutOffAtTheConfiguredTimeoutAndTheMemberAbstains()
    {
        await using var slow = await FakeServer.StartAsync(app => app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
            return Results.Json(new { choices = Array.Empty<object>() });
        }));
        using var host = Builder(new()
        {
            ["ConnectionStrings:llm"] = $"Endpoint={slow.Address}v1;Key=k;Model=m",
            ["Committee:LlmTimeout"] = "00:00:02",
        }).Build();
        var member = host.Services.GetRequiredService<LlmMember>();
        var input = new CommitteeInput(Parsing.ParserHarness.Parse(Book()));

        var clock = Stopwatch.StartNew();
        var proposal = await member.ProposeAsync(input, TestContext.Current.CancellationToken);

        Assert.Null(proposal);
        // Two seconds, not the service defaults' 30 s total nor the 60 s the fake would take; generous for a loaded CI.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15));
    }

    private static XlsxBuilder Book()
    {
        var book = new XlsxBuilder();
        book.Sheet("Bestellung").Row(1, "Artikel", "Menge").Row(2, "A-1", 3).Row(3, "A-2", 5);
        return book;
    }
}
