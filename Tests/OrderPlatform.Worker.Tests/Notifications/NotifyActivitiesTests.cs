using System.Collections.Concurrent;
using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Activities;
using OrderPlatform.Worker.Notifications;
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

        public Task<NotifyOutcome> NotifyAsync(string caseId, NotifyRequest request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            return Task.FromResult(NotifyOutcome.Sent);
        }
    }
}
