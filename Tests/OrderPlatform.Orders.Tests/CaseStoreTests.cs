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

    [Fact]
    public async Task ReplicasMigratingAnEmptyDatabaseAtOnceAllSucceedAndApplyEachScriptOnce()
    {
        for (var round = 0; round < 3; round++)
        {
            var database = $"cases_migrate_{Guid.NewGuid():N}";
            await using (var create = _dataSource.CreateCommand($"CREATE DATABASE \"{database}\""))
            {
                await create.ExecuteNonQueryAsync(Ct);
            }

            var connection = new NpgsqlConnectionStringBuilder(infrastructure.OrdersDb) { Database = database }.ConnectionString;
            var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connection)).ToList();
            try
            {
                var stores = sources.Select(source => new PostgresCaseStore(source, TimeProvider.System)).ToList();
                await Task.WhenAll(stores.Select(store => store.InitializeAsync(Ct)));

                await using var count = sources[0].CreateCommand("SELECT count(*) FROM order_cases_migrations");
                Assert.Equal((long)PostgresCaseStore.Migrations.Count, await count.ExecuteScalarAsync(Ct));
                var created = await stores[1].CreateAsync(NewCase("tenant-m"), new("user-1", "receive", "x"), Ct);
                Assert.Equal(created.Id, (await stores[2].FindAsync(created.Id, Ct))?.Id);
            }
            finally
            {
                foreach (var source in sources)
                {
                    await source.DisposeAsync();
                }
            }
        }
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
