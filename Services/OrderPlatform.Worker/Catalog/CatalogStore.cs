using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Worker.Data;

namespace OrderPlatform.Worker.Catalog;

public sealed record CatalogCustomer(string Id, string Number, string Name, string? Email, IReadOnlyList<string> Aliases);

public sealed record CatalogItem(string Id, string Sku, string? Ean, string Name, string? Unit, decimal? Rate, IReadOnlyList<string> Aliases);

/// <summary>
/// The catalog replica in <c>ordersdb</c> (zoho-books spec §5: match locally, never per line against Zoho). Exact keys
/// first (score 1), then normalised SKU (0.95), then <c>pg_trgm</c> similarity on names and aliases (the similarity
/// itself is the score, and a fuzzy hit is always shown to a person).
/// </summary>
public sealed partial class CatalogStore(NpgsqlDataSource dataSource, ILogger<CatalogStore>? logger = null)
{
    public const string Exact = "exact";
    public const string Fuzzy = "fuzzy";

    private readonly ILogger _logger = logger ?? NullLogger<CatalogStore>.Instance;

    /// <summary>Applies the Worker's migrations (<see cref="WorkerSchema"/>); the seeder and every sync call it first.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => WorkerSchema.ApplyAsync(dataSource, _logger, cancellationToken);

    public async Task UpsertAsync(IEnumerable<CatalogCustomer> customers, IEnumerable<CatalogItem> items, CancellationToken cancellationToken)
    {
        await using var batch = UpsertBatch(customers, items);
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Makes the replica exactly these customers and items: upserts them and removes every other row, so what was deleted
    /// or made inactive in Zoho is no longer proposed (cases that matched it keep the id they stored). One batch is one
    /// implicit transaction, so a reader never sees the replica half replaced.
    /// </summary>
    public async Task<(int Customers, int Items)> ReplaceAsync(IReadOnlyCollection<CatalogCustomer> customers, IReadOnlyCollection<CatalogItem> items,
        CancellationToken cancellationToken)
    {
        await using var batch = UpsertBatch(customers, items);
        var removeCustomers = new NpgsqlBatchCommand("DELETE FROM catalog_customers WHERE NOT (id = ANY($1))");
        removeCustomers.Parameters.Add(new() { Value = customers.Select(c => c.Id).ToArray() });
        var removeItems = new NpgsqlBatchCommand("DELETE FROM catalog_items WHERE NOT (id = ANY($1))");
        removeItems.Parameters.Add(new() { Value = items.Select(i => i.Id).ToArray() });
        batch.BatchCommands.Add(removeCustomers);
        batch.BatchCommands.Add(removeItems);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return (removeCustomers.RecordsAffected, removeItems.RecordsAffected);
    }

    private NpgsqlBatch UpsertBatch(IEnumerable<CatalogCustomer> customers, IEnumerable<CatalogItem> items)
    {
        var batch = dataSource.CreateBatch();
        foreach (var c in customers)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO catalog_customers (id, number, name, email, aliases) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (id) DO UPDATE SET number = $2, name = $3, email = $4, aliases = $5
                """);
            command.Parameters.Add(new() { Value = c.Id });
            command.Parameters.Add(new() { Value = c.Number });
            command.Parameters.Add(new() { Value = c.Name });
            command.Parameters.Add(new() { Value = (object?)c.Email ?? DBNull.Value });
            command.Parameters.Add(new() { Value = c.Aliases.ToArray() });
            batch.BatchCommands.Add(command);
        }

        foreach (var i in items)
        {
            var command = new NpgsqlBatchCommand("""
                INSERT INTO catalog_items (id, sku, sku_norm, ean, name, unit, rate, aliases) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (id) DO UPDATE SET sku = $2, sku_norm = $3, ean = $4, name = $5, unit = $6, rate = $7, aliases = $8
                """);
            command.Parameters.Add(new() { Value = i.Id });
            command.Parameters.Add(new() { Value = i.Sku });
            command.Parameters.Add(new() { Value = NormalizeSku(i.Sku) });
            command.Parameters.Add(new() { Value = (object?)i.Ean ?? DBNull.Value });
            command.Parameters.Add(new() { Value = i.Name });
            command.Parameters.Add(new() { Value = (object?)i.Unit ?? DBNull.Value });
            command.Parameters.Add(new() { Value = (object?)i.Rate ?? DBNull.Value });
            command.Parameters.Add(new() { Value = i.Aliases.ToArray() });
            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken) => await CountAsync(cancellationToken).ConfigureAwait(false) == (0, 0);

    public async Task<(long Customers, long Items)> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT (SELECT count(*) FROM catalog_customers), (SELECT count(*) FROM catalog_items)");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Customer by id, number, email, name or alias (exact, case-insensitive), else by name similarity.</summary>
    public async Task<IReadOnlyList<CatalogMatch>> FindCustomersAsync(string query, int limit, CancellationToken cancellationToken)
    {
        var exact = await QueryAsync("""
            SELECT id, name, 1.0::float8, 'exact' FROM catalog_customers
            WHERE id = $1 OR lower(number) = lower($1) OR lower(email) = lower($1) OR lower(name) = lower($1)
               OR lower($1) = ANY (SELECT lower(a) FROM unnest(aliases) a)
            ORDER BY id LIMIT $2
            """, [query.Trim(), limit], cancellationToken).ConfigureAwait(false);
        return exact.Count > 0 ? exact : await QueryAsync("""
            SELECT id, name, score, 'fuzzy' FROM (
                SELECT id, name, greatest(similarity(lower(name), lower($1)),
                    coalesce((SELECT max(similarity(lower(a), lower($1))) FROM unnest(aliases) a), 0))::float8 AS score
                FROM catalog_customers) s
            WHERE score >= $3 ORDER BY score DESC, id LIMIT $2
            """, [query.Trim(), limit, MinimumSimilarity], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One line's lookup (see the batched <see cref="FindItemsAsync(IReadOnlyList{ItemQuery}, int, CancellationToken, IProgress{int})"/>).</summary>
    public async Task<IReadOnlyList<CatalogMatch>> FindItemsAsync(string? sku, string? ean, string? description, int limit,
        CancellationToken cancellationToken) =>
        (await FindItemsAsync([new ItemQuery(sku, ean, description)], limit, cancellationToken).ConfigureAwait(false))[0];

    public async Task<IReadOnlyDictionary<string, decimal>> GetRatesAsync(IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, rate FROM catalog_items WHERE id = ANY($1) AND rate IS NOT NULL");
        command.Parameters.Add(new() { Value = itemIds.ToArray() });
        var rates = new Dictionary<string, decimal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rates[reader.GetString(0)] = reader.GetDecimal(1);
        }

        return rates;
    }

    /// <summary>Upper case without spaces, dashes, dots and slashes, and without leading zeros (spec R9 step 3).</summary>
    public static string NormalizeSku(string sku)
    {
        var kept = new string([.. sku.ToUpperInvariant().Where(char.IsAsciiLetterOrDigit)]).TrimStart('0');
        return kept.Length == 0 ? "0" : kept;
    }

    private const double MinimumSimilarity = 0.2;

    private async Task<IReadOnlyList<CatalogMatch>> QueryAsync(string sql, object[] values, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        var matches = new List<CatalogMatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            matches.Add(new CatalogMatch(reader.GetString(0), reader.GetString(1), Math.Round(reader.GetDouble(2), 3), reader.GetString(3)));
        }

        return matches;
    }
}
