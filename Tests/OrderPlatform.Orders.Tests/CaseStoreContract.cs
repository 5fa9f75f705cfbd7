using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

public sealed class CaseStoreTests(Infrastructure infrastructure)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(PostgresCaseStore Store, NpgsqlDataSource DataSource)> StoreAsync()
    {
        var dataSource = NpgsqlDataSource.Create(infrastructure.OrdersDb);
        var store = new PostgresCaseStore(dataSource, TimeProvider.System);
        await store.InitializeAsync(Ct);
        return (store, dataSource);
    }

    private static CaseDocument NewCase(string tenant) => new() { Id = $"CASE-{Guid.NewGuid():N}", TenantId = tenant, UserId = "user-1" };

    [Fact]
    public async Task ACaseMovesForwardAndEveryTransitionIsAnAuditEvent()
    {
        var (store, dataSource) = await StoreAsync();
        await using var _ = dataSource;
        var created = await store.CreateAsync(NewCase("tenant-a"), new("user-1", "receive", "received order.xlsx"), Ct);
        Assert.Equal(1, created.Version);

        var stored = await store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Stored, File = new CaseFile("order.xlsx", "orders/x", "xlsx", 42, "ab") },
            new("worker", "store-file", "42 bytes"), Ct);
        var resolved = await store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Resolved }, new("worker", "resolve-items", "2 of 2"), Ct);
        await store.AppendEventAsync(created.Id, new("worker", "notify-user", "corrections notification: Skipped"), Ct);

        Assert.Equal(3, resolved.Version);
        var found = await store.FindAsync(created.Id, Ct);
        Assert.Equal(CaseStatus.Resolved, found!.Status);
        Assert.Equal(42, found.File!.SizeBytes);
        var events = await store.GetEventsAsync(created.Id, Ct);
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.Equal([null, CaseStatus.Received, CaseStatus.Stored, null], events.Select(e => e.From));
        Assert.Equal([CaseStatus.Received, CaseStatus.Stored, CaseStatus.Resolved, null], events.Select(e => e.To));
        Assert.Equal("store-file", events[1].Step);
        Assert.Equal(stored.Version + 1, resolved.Version);
    }

    [Fact]
    public async Task ACompletedCaseCannotGoBackAndExitsAreFinal()
    {
        var (store, dataSource) = await StoreAsync();
        await using var _ = dataSource;
        var created = await store.CreateAsync(NewCase("tenant-b"), new("user-1", "receive", "x"), Ct);
        await store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Completed }, new("worker", "notify-user", "done"), Ct);

        await Assert.ThrowsAsync<InvalidCaseTransitionException>(() =>
            store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Parsed }, new("worker", "parse-excel", "again"), Ct));
        await Assert.ThrowsAsync<InvalidCaseTransitionException>(() =>
            store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Cancelled }, new("user", "cancel", "too late"), Ct));
        Assert.Equal(2, (await store.GetEventsAsync(created.Id, Ct)).Count);

        Assert.True(CaseTransitions.IsAllowed(CaseStatus.AwaitingCorrections, CaseStatus.Corrected));
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.Corrected, CaseStatus.AwaitingCorrections));
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.Resolved, CaseStatus.DraftCreated));
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.Parsed, CaseStatus.NeedsAttention));
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.NeedsAttention, CaseStatus.Cancelled));
        Assert.False(CaseTransitions.IsAllowed(CaseStatus.NeedsAttention, CaseStatus.DraftCreated));
        Assert.False(CaseTransitions.IsAllowed(CaseStatus.Cancelled, CaseStatus.Received));
        Assert.False(CaseTransitions.IsAllowed(CaseStatus.DraftCreated, CaseStatus.Resolved));
    }

    [Fact]
    public async Task AStaleWriteIsRefusedAndUpdateRetriesOnTheFreshDocument()
    {
        var (store, dataSource) = await StoreAsync();
        await using var _ = dataSource;
        var created = await store.CreateAsync(NewCase("tenant-c"), new("user-1", "receive", "x"), Ct);

        await store.ReplaceAsync(created with { Status = CaseStatus.Stored }, new("worker-1", "store-file", "first"), Ct);
        await Assert.ThrowsAsync<CaseConcurrencyException>(() =>
            store.ReplaceAsync(created with { Step = "stale" }, new("worker-2", "store-file", "second"), Ct));

        // Ten concurrent writers each append a note; none is lost.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => store.UpdateAsync(created.Id,
            c => c with { Notes = [.. c.Notes ?? [], new ReviewNote(i, $"note {i}")] }, new("worker", "review", $"note {i}"), Ct)));
        var found = await store.FindAsync(created.Id, Ct);
        Assert.Equal(10, found!.Notes!.Count);
        Assert.Equal(12, found.Version);
        Assert.Equal(12, (await store.GetEventsAsync(created.Id, Ct)).Count);
        await Assert.ThrowsAsync<CaseAlreadyExistsException>(() => store.CreateAsync(created, new("user-1", "receive", "again"), Ct));
    }

    [Fact]
    public async Task TheAuditTrailIsAppendOnlyAndCasesPageByTenantAndStatus()
    {
        var (store, dataSource) = await StoreAsync();
        await using var _ = dataSource;
        var tenant = $"tenant-{Guid.NewGuid():N}";
        for (var i = 0; i < 5; i++)
        {
            var created = await store.CreateAsync(NewCase(tenant), new("user-1", "receive", $"file {i}"), Ct);
            if (i % 2 == 0)
            {
                await store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Stored }, new("worker", "store-file", "ok"), Ct);
            }
        }

        var stored = await store.ListAsync(new CaseQuery(tenant, CaseStatus.Stored, 1, 2), Ct);
        Assert.Equal(3, stored.Total);
        Assert.Equal(2, stored.Items.Count);
        var second = await store.ListAsync(new CaseQuery(tenant, CaseStatus.Stored, 2, 2), Ct);
        Assert.Single(second.Items);
        Assert.Empty(stored.Items.Select(c => c.Id).Intersect(second.Items.Select(c => c.Id)));
        Assert.Equal(5, (await store.ListAsync(new CaseQuery(tenant, null), Ct)).Total);

        await using var delete = dataSource.CreateCommand("DELETE FROM order_case_events WHERE case_id = $1");
        delete.Parameters.Add(new() { Value = stored.Items[0].Id });
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync(Ct));
    }
}
