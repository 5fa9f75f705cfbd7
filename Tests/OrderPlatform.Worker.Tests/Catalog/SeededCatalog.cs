using Npgsql;
using OrderPlatform.Worker.Catalog;

namespace OrderPlatform.Worker.Tests.Catalog;

/// <summary>
/// Catalogue rows of one test class in the shared Postgres: ids start with a run prefix of its own, statistics are
/// fresh (ANALYZE, so the planner picks the indexes it would in production), and the rows are deleted at the end.
/// </summary>
internal sealed class SeededCatalog : IAsyncDisposable
{
    private readonly string _run;

    private SeededCatalog(NpgsqlDataSource data, string run) => (Data, Store, _run) = (data, new CatalogStore(data), run);

    public NpgsqlDataSource Data { get; }

    public CatalogStore Store { get; }

    public static async Task<SeededCatalog> CreateAsync(string connectionString, string run, IEnumerable<CatalogItem> items, CancellationToken ct)
    {
        var seeded = new SeededCatalog(NpgsqlDataSource.Create(connectionString), run);
        await seeded.Store.InitializeAsync(ct);
        await seeded.Store.UpsertAsync([], items, ct);
        await using var analyze = seeded.Data.CreateCommand("ANALYZE catalog_items");
        await analyze.ExecuteNonQueryAsync(ct);
        return seeded;
    }

    public async ValueTask DisposeAsync()
    {
        await using var cleanup = Data.CreateCommand("DELETE FROM catalog_items WHERE id LIKE $1");
        cleanup.Parameters.Add(new() { Value = $"{_run}%" });
        await cleanup.ExecuteNonQueryAsync(CancellationToken.None);
        await Data.DisposeAsync();
    }
}
