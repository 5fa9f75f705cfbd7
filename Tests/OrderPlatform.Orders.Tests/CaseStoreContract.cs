using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// What every <see cref="ICaseStore"/> must do, run once per implementation (Postgres, Cosmos) so both are held to the
/// same behaviour. Each test owns its data through unique case ids and tenants.
/// </summary>
public abstract class CaseStoreContract
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store over the real database, initialized.</summary>
    protected abstract Task<ICaseStore> StoreAsync();

    protected static CaseDocument NewCase(string tenant) => new() { Id = $"CASE-{Guid.NewGuid():N}", TenantId = tenant, UserId = "user-1" };

    [Fact]
    public async Task ACaseMovesForwardAndEveryTransitionIsAnAuditEvent()
    {
        var store = await StoreAsync();
        var created = await store.CreateAsync(NewCase("tenant-a"), new("user-1", "receive", "received order.xlsx"), Ct);
        Assert.Equal(1, created.Version);

        var stored = await store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Stored, File = new CaseFile("order.xlsx", "orders/x", "xlsx", 42, "ab") },
            new("worker", "store-file", "42 bytes"), Ct);
        var early = await store.GetEventsAsync(created.Id, Ct);
        var resolved = await store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Resolved }, new("worker", "resolve-items", "2 of 2"), Ct);
        await store.AppendEventAsync(created.Id, new("worker", "notify-user", "corrections notification: Skipped"), Ct);

        Assert.Equal(3, resolved.Version);
        var found = await store.FindAsync(created.Id, Ct);
        Assert.Equal(CaseStatus.Resolved, found!.Status);
        Assert.Equal(42, found.File!.SizeBytes);
        Assert.Equal(created.CreatedAt, found.CreatedAt);
        var events = await store.GetEventsAsync(created.Id, Ct);
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.Equal([null, CaseStatus.Received, CaseStatus.Stored, null], events.Select(e => e.From));
        Assert.Equal([CaseStatus.Received, CaseStatus.Stored, CaseStatus.Resolved, null], events.Select(e => e.To));
        Assert.Equal("store-file", events[1].Step);
        Assert.Equal(stored.Version + 1, resolved.Version);
        // Later writes only append: the events read earlier are still there, unchanged.
        Assert.Equal(early, events.Take(early.Count));
    }

    [Fact]
    public async Task ACompletedCaseCannotGoBackAndExitsAreFinal()
    {
        var store = await StoreAsync();
        var created = await store.CreateAsync(NewCase("tenant-b"), new("user-1", "receive", "x"), Ct);
        await store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Completed }, new("worker", "notify-user", "done"), Ct);

        await Assert.ThrowsAsync<InvalidCaseTransitionException>(() =>
            store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Parsed }, new("worker", "parse-excel", "again"), Ct));
        await Assert.ThrowsAsync<InvalidCaseTransitionException>(() =>
            store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Cancelled }, new("user", "cancel", "too late"), Ct));
        Assert.Equal(2, (await store.GetEventsAsync(created.Id, Ct)).Count);
        Assert.Equal(CaseStatus.Completed, (await store.FindAsync(created.Id, Ct))!.Status);
    }

    [Fact]
    public async Task AStaleWriteIsRefusedAndUpdateRetriesOnTheFreshDocument()
    {
        var store = await StoreAsync();
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
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), (await store.GetEventsAsync(created.Id, Ct)).Select(e => e.Sequence));
        await Assert.ThrowsAsync<CaseAlreadyExistsException>(() => store.CreateAsync(created, new("user-1", "receive", "again"), Ct));
    }

    [Fact]
    public async Task ConcurrentAppendsAreAllKeptInOneSequence()
    {
        var store = await StoreAsync();
        var created = await store.CreateAsync(NewCase("tenant-d"), new("user-1", "receive", "x"), Ct);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => store.AppendEventAsync(created.Id, new("worker", "notify-user", $"reminder {i}"), Ct)));

        var events = await store.GetEventsAsync(created.Id, Ct);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"reminder {i}").Order(), events.Skip(1).Select(e => e.Detail).Order());
        Assert.Equal(1, (await store.FindAsync(created.Id, Ct))!.Version);
    }

    [Fact]
    public async Task ACaseIdBelongsToOneTenantAndUnknownIdsAreNotFound()
    {
        var store = await StoreAsync();
        var created = await store.CreateAsync(NewCase("tenant-e"), new("user-1", "receive", "x"), Ct);

        await Assert.ThrowsAsync<CaseAlreadyExistsException>(() =>
            store.CreateAsync(created with { TenantId = "tenant-f" }, new("user-2", "receive", "same id, other tenant"), Ct));
        Assert.Equal("tenant-e", (await store.FindAsync(created.Id, Ct))!.TenantId);

        var unknown = $"CASE-{Guid.NewGuid():N}";
        Assert.Null(await store.FindAsync(unknown, Ct));
        Assert.Empty(await store.GetEventsAsync(unknown, Ct));
        await Assert.ThrowsAsync<CaseNotFoundException>(() =>
            store.ReplaceAsync(NewCase("tenant-e") with { Id = unknown, Version = 1 }, new("worker", "store-file", "x"), Ct));
        await Assert.ThrowsAsync<CaseNotFoundException>(() => store.AppendEventAsync(unknown, new("worker", "notify-user", "x"), Ct));
    }

    [Fact]
    public async Task CasesPageNewestFirstByTenantAndStatus()
    {
        var store = await StoreAsync();
        var tenant = $"tenant-{Guid.NewGuid():N}";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var created = await store.CreateAsync(NewCase(tenant), new("user-1", "receive", $"file {i}"), Ct);
            ids.Add(created.Id);
            if (i % 2 == 0)
            {
                await store.UpdateAsync(created.Id, c => c with { Status = CaseStatus.Stored, Step = "store-file" }, new("worker", "store-file", "ok"), Ct);
            }
        }
        await store.CreateAsync(NewCase($"other-{tenant}"), new("user-1", "receive", "another tenant"), Ct);

        var stored = await store.ListAsync(new CaseQuery(tenant, CaseStatus.Stored, 1, 2), Ct);
        Assert.Equal(3, stored.Total);
        Assert.Equal([ids[4], ids[2]], stored.Items.Select(c => c.Id));
        Assert.All(stored.Items, c => Assert.Equal((tenant, "user-1", CaseStatus.Stored, "store-file"), (c.TenantId, c.UserId, c.Status, c.Step)));
        var second = await store.ListAsync(new CaseQuery(tenant, CaseStatus.Stored, 2, 2), Ct);
        Assert.Equal([ids[0]], second.Items.Select(c => c.Id));
        Assert.Equal((2, 2, 3L), (second.Page, second.PageSize, second.Total));
        Assert.Empty((await store.ListAsync(new CaseQuery(tenant, CaseStatus.Stored, 3, 2), Ct)).Items);

        var all = await store.ListAsync(new CaseQuery(tenant, null), Ct);
        Assert.Equal(5, all.Total);
        Assert.Equal(Enumerable.Reverse(ids), all.Items.Select(c => c.Id));
        Assert.Equal(0, (await store.ListAsync(new CaseQuery(tenant, CaseStatus.Completed), Ct)).Total);
    }

    [Fact]
    public async Task AListingLimitedToSomeTenantsNeverShowsAnotherTenantsCase()
    {
        var store = await StoreAsync();
        var (mine, theirs) = ($"tenant-{Guid.NewGuid():N}", $"tenant-{Guid.NewGuid():N}");
        var own = await store.CreateAsync(NewCase(mine), new("user-1", "receive", "mine"), Ct);
        await store.CreateAsync(NewCase(theirs), new("user-1", "receive", "theirs"), Ct);

        Assert.Equal(0, (await store.ListAsync(new CaseQuery(theirs, null, Tenants: [mine]), Ct)).Total);
        var limited = await store.ListAsync(new CaseQuery(null, null, PageSize: 200, Tenants: [mine]), Ct);
        Assert.Equal(own.Id, Assert.Single(limited.Items).Id);
        Assert.Equal(1, limited.Total);
    }
}
