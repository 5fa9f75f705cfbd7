using System.Collections.Concurrent;
using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Activities;
using OrderPlatform.Worker.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Temporalio.Testing;

namespace OrderPlatform.Worker.Tests.Notifications;

/// <summary>notify-user builds the request from the real case document (Postgres); the port records what it was given.</summary>
[Collection("postgres")]
public sealed class NotifyActivitiesTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACorrectionsNotificationCarriesOneCardOfQuestionsAndTheOpenTotal()
    {
        var (activities, port, cases) = await ArrangeAsync();
        var caseId = $"case-{Guid.NewGuid():N}";
        var questions = Enumerable.Range(1, 3000).Select(row => new UncertainField("quantity", "Quantity", "1", RowNumber: row)).ToList();
        await cases.CreateAsync(new CaseDocument { Id = caseId, TenantId = "t1", UserId = "u1" }, new CaseEventDraft("test", "created", "created"), Ct);
        await cases.UpdateAsync(caseId, c => c with { Questions = questions }, new CaseEventDraft("test", "questions", "asked"), Ct);

        await new ActivityEnvironment().RunAsync(() => activities.NotifyUserAsync(caseId, NotifyKinds.Corrections, null));

        var sent = Assert.Single(port.Requests);
        Assert.Equal(NotifyActivities.QuestionsPerMessage, sent.UncertainFields!.Count);
        Assert.Equal(Enumerable.Range(1, NotifyActivities.QuestionsPerMessage), sent.UncertainFields.Select(q => q.RowNumber!.Value));
        Assert.Equal(3000, sent.UncertainFieldTotal);
    }

    [Fact]
    public async Task AFewQuestionsGoOutWhole()
    {
        var (activities, port, cases) = await ArrangeAsync();
        var caseId = $"case-{Guid.NewGuid():N}";
        await cases.CreateAsync(new CaseDocument { Id = caseId, TenantId = "t1", UserId = "u1" }, new CaseEventDraft("test", "created", "created"), Ct);
        await cases.UpdateAsync(caseId, c => c with { Questions = [new UncertainField("customer", "Customer", "ACME")] },
            new CaseEventDraft("test", "questions", "asked"), Ct);

        await new ActivityEnvironment().RunAsync(() => activities.NotifyUserAsync(caseId, NotifyKinds.Corrections, null));

        var sent = Assert.Single(port.Requests);
        Assert.Equal("customer", Assert.Single(sent.UncertainFields!).Field);
        Assert.Equal(1, sent.UncertainFieldTotal);
    }

    [Fact]
    public async Task EveryAttemptAtOneNotificationCarriesTheSameKeyAndTheNextNotificationAnother()
    {
        var (activities, port, cases) = await ArrangeAsync();
        var caseId = $"case-{Guid.NewGuid():N}";
        await cases.CreateAsync(new CaseDocument { Id = caseId, TenantId = "t1", UserId = "u1" }, new CaseEventDraft("test", "created", "created"), Ct);
        var scheduled = ActivityEnvironment.DefaultInfo with { WorkflowId = caseId, WorkflowRunId = "run-1", ActivityId = "7" };

        foreach (var info in new[] { scheduled, scheduled with { Attempt = 2 }, scheduled with { ActivityId = "9" }, scheduled with { WorkflowRunId = "run-2" } })
        {
            await new ActivityEnvironment { Info = info }.RunAsync(() => activities.NotifyUserAsync(caseId, NotifyKinds.Message, "hello"));
        }

        var keys = port.Keys.ToList();
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(3, keys.Distinct().Count());
        Assert.All(keys, k => Assert.StartsWith($"{caseId}:{NotifyKinds.Message}:", k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThePortSendsTheKeyToTheBotWithTheNotifyKey()
    {
        var received = new ConcurrentQueue<(string? Key, string? ApiKey)>();
        await using var bot = await FakeServer.StartAsync(app => app.MapPost("/api/notify/{caseId}", (HttpRequest request) =>
        {
            received.Enqueue((request.Headers["Idempotency-Key"].ToString(), request.Headers["X-Api-Key"].ToString()));
            return Results.Json(new NotifyResult(NotifyOutcomes.Sent, "a-1"));
        }));
        var services = new ServiceCollection().AddLogging();
        services.AddHttpClient(TeamsBotNotificationPort.ClientName, http => http.BaseAddress = bot.Address);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:ApiKey"] = "notify-key",
            ["services:teamsbot:internal:0"] = bot.Address.ToString(),
        }).Build();
        var outcome = await SendMessageAsync(services, configuration, "case-1", "case-1:message:run:7");

        Assert.Equal(NotifyOutcome.Sent, outcome);
        Assert.Equal(("case-1:message:run:7", "notify-key"), Assert.Single(received));
    }

    [Fact]
    public async Task ThePortCallsTheBotsInternalEndpointNeverItsPublicOne()
    {
        var calls = new ConcurrentQueue<string>();
        await using var publicBot = await FakeServer.StartAsync(app => app.MapPost("/api/notify/{caseId}", () =>
        {
            calls.Enqueue("public");
            return Results.NotFound();
        }));
        await using var internalBot = await FakeServer.StartAsync(app => app.MapPost("/api/notify/{caseId}", () =>
        {
            calls.Enqueue("internal");
            return Results.Json(new NotifyResult(NotifyOutcomes.Sent, "a-1"));
        }));
        // Both endpoints as the AppHost's service discovery entries would name them; the client resolves by name.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:ApiKey"] = "notify-key",
            ["services:teamsbot:http:0"] = publicBot.Address.ToString(),
            ["services:teamsbot:internal:0"] = internalBot.Address.ToString(),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddServiceDiscovery();
        services.AddHttpClient(TeamsBotNotificationPort.ClientName, http => http.BaseAddress = new Uri(TeamsBotNotificationPort.BaseAddress))
            .AddServiceDiscovery();
        var outcome = await SendMessageAsync(services, configuration, "case-2", "case-2:message:run:1");

        Assert.Equal(NotifyOutcome.Sent, outcome);
        Assert.Equal(["internal"], calls);
    }

    /// <summary>A message notification for a case with a Teams reference, through the real port on these services.</summary>
    private static async Task<NotifyOutcome> SendMessageAsync(IServiceCollection services, IConfiguration configuration, string caseId, string idempotencyKey)
    {
        await using var provider = services.BuildServiceProvider();
        var port = new TeamsBotNotificationPort(provider.GetRequiredService<IHttpClientFactory>(), configuration,
            provider.GetRequiredService<ILogger<TeamsBotNotificationPort>>());
        var conversation = new ConversationReference("https://smba.trafficmanager.net/amer/", "msteams", "a:1", "t1", "u1", null, "28:bot");
        return await port.NotifyAsync(caseId, new NotifyRequest(NotifyKinds.Message, conversation, Message: "hi"), idempotencyKey, Ct);
    }

    private async Task<(NotifyActivities, RecordingPort, ICaseStore)> ArrangeAsync()
    {
        var cases = new PostgresCaseStore(NpgsqlDataSource.Create(postgres.ConnectionString), TimeProvider.System);
        await cases.InitializeAsync(Ct);
        var port = new RecordingPort();
        return (new NotifyActivities(port, cases), port, cases);
    }

    private sealed class RecordingPort : INotificationPort
    {
        public ConcurrentQueue<NotifyRequest> Requests { get; } = new();

        public ConcurrentQueue<string> Keys { get; } = new();

        public Task<NotifyOutcome> NotifyAsync(string caseId, NotifyRequest request, string idempotencyKey, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            Keys.Enqueue(idempotencyKey);
            return Task.FromResult(NotifyOutcome.Sent);
        }
    }
}
