using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Orders.Tests;

/// <summary>The case-store contract against the assembly's real Postgres, plus what only Postgres enforces.</summary>
public sealed class PostgresCaseStoreTests(Infrastructure infrastructure) : CaseStoreContract, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(infrastructure.OrdersDb);

    protected override async Task<ICaseStore> StoreAsync()
    {
        var store = new PostgresCaseStore(_dataSource, TimeProvider.System);
        await store.InitializeAsync(Ct);
        return store;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    [Fact]
    public async Task TheEventsTableRefusesUpdatesAndDeletes()
    {
        var store = await StoreAsync();
        var created = await store.CreateAsync(NewCase("tenant-p"), new("user-1", "receive", "x"), Ct);

        await using var delete = _dataSource.CreateCommand("DELETE FROM order_case_events WHERE case_id = $1");
        delete.Parameters.Add(new() { Value = created.Id });
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync(Ct));
        await using var update = _dataSource.CreateCommand("UPDATE order_case_events SET detail = 'rewritten' WHERE case_id = $1");
        update.Parameters.Add(new() { Value = created.Id });
        await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync(Ct));
        Assert.Equal("x", Assert.Single(await store.GetEventsAsync(created.Id, Ct)).Detail);
    }
}

public sealed class CaseTransitionsTests
{
    [Fact]
    public void TheStatusGraphAllowsOnlyTheDocumentedMoves()
    {
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.AwaitingCorrections, CaseStatus.Corrected));
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.Corrected, CaseStatus.AwaitingCorrections));
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.Resolved, CaseStatus.DraftCreated));
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.Parsed, CaseStatus.NeedsAttention));
        Assert.True(CaseTransitions.IsAllowed(CaseStatus.NeedsAttention, CaseStatus.Cancelled));
        Assert.False(CaseTransitions.IsAllowed(CaseStatus.NeedsAttention, CaseStatus.DraftCreated));
        Assert.False(CaseTransitions.IsAllowed(CaseStatus.Cancelled, CaseStatus.Received));
        Assert.False(CaseTransitions.IsAllowed(CaseStatus.DraftCreated, CaseStatus.Resolved));
    }
}
