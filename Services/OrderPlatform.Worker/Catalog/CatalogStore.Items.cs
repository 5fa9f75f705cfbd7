using Npgsql;
using NpgsqlTypes;
using OrderPlatform.Cases;

namespace OrderPlatform.Worker.Catalog;

/// <summary>What one order line is looked up by.</summary>
public sealed record ItemQuery(string? Sku, string? Ean, string? Description);

public sealed partial class CatalogStore
{
    // One statement for a whole sheet: each line's keyed tiers (exact SKU or id, EAN from the EAN then from an all-digit
    // SKU, normalised SKU) through their indexes, and only for lines none of those found, the description by trigram
    // similarity: the nearest names by `<->` through the GiST trigram index (a k-nearest walk; the GIN index would
    // recheck every name sharing a common trigram), filtered by `%`, whose threshold is the transaction-local
    // pg_trgm.similarity_threshold. Aliases are compared only on items that have any (a partial index). That search
    // walks most of the GiST index per text (inner signatures saturate in a catalogue of thousands of names, so the
    // k-nearest walk prunes little), so it runs once per distinct description of the sheet: an order naming one article
    // on several lines pays for it once (bench/orders `resolve`). MATERIALIZED, or the planner inlines `matched` into
    // the join with `lines` and runs the search per line again.
    private const string ItemsSql = """
        WITH lines AS (
            SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS l(n, sku, ean_digits, sku_digits, sku_norm, text)),
        keyed AS (
            SELECT l.n, k.* FROM lines l CROSS JOIN LATERAL (
                (SELECT id, name, 1.0::float8 AS score, 'sku' AS kind, 1 AS tier FROM catalog_items
                    WHERE l.sku IS NOT NULL AND (upper(sku) = upper(l.sku) OR id = l.sku) ORDER BY id LIMIT $7)
                UNION ALL
                (SELECT id, name, 1.0::float8, 'ean', 2 FROM catalog_items WHERE l.ean_digits IS NOT NULL AND ltrim(ean, '0') = l.ean_digits ORDER BY id LIMIT $7)
                UNION ALL
                (SELECT id, name, 1.0::float8, 'ean', 3 FROM catalog_items WHERE l.sku_digits IS NOT NULL AND ltrim(ean, '0') = l.sku_digits ORDER BY id LIMIT $7)
                UNION ALL
                (SELECT id, name, 0.95::float8, 'normalised-sku', 4 FROM catalog_items WHERE l.sku_norm IS NOT NULL AND sku_norm = l.sku_norm ORDER BY id LIMIT $7)) k),
        texts AS (
            SELECT DISTINCT l.text FROM lines l WHERE l.text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM keyed k WHERE k.n = l.n)),
        matched AS MATERIALIZED (
            SELECT t.text, f.id, f.name, f.score FROM texts t CROSS JOIN LATERAL (
                SELECT id, name, max(score) AS score FROM (
                    (SELECT id, name, similarity(lower(name), t.text)::float8 AS score FROM catalog_items WHERE lower(name) % t.text
                        ORDER BY lower(name) <-> t.text LIMIT $7)
                    UNION ALL
                    SELECT id, name, (SELECT max(similarity(lower(a), t.text)) FROM unnest(aliases) a)::float8 FROM catalog_items
                        WHERE cardinality(aliases) > 0) c
                WHERE score >= $8 GROUP BY id, name ORDER BY score DESC, id LIMIT $7) f),
        fuzzy AS (
            SELECT l.n, m.id, m.name, m.score, 'fuzzy' AS kind, 5 AS tier FROM lines l JOIN matched m ON m.text = l.text
            WHERE NOT EXISTS (SELECT 1 FROM keyed k WHERE k.n = l.n))
        SELECT n, id, name, score, kind, tier FROM keyed UNION ALL SELECT n, id, name, score, kind, tier FROM fuzzy
        ORDER BY n, tier, score DESC, id
        """;

    /// <summary>
    /// spec R9 for every line at once: exact SKU, EAN/GTIN (with and without zero padding), normalised SKU, then the
    /// description; per line the first tier with hits, in the order of <paramref name="lines"/>.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<CatalogMatch>>> FindItemsAsync(IReadOnlyList<ItemQuery> lines, int limit,
        CancellationToken cancellationToken)
    {
        var found = lines.Select(_ => new List<CatalogMatch>()).ToArray();
        if (lines.Count == 0)
        {
            return found;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var threshold = new NpgsqlCommand("SELECT set_config('pg_trgm.similarity_threshold', $1, true)", connection, transaction))
        {
            threshold.Parameters.Add(new() { Value = MinimumSimilarity.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await threshold.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = ItemsCommand(lines, limit, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tiers = new int[lines.Count];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var n = reader.GetInt32(0);
            var tier = reader.GetInt32(5);
            if (found[n].Count == 0 || tiers[n] == tier)
            {
                tiers[n] = tier;
                found[n].Add(new CatalogMatch(reader.GetString(1), reader.GetString(2), Math.Round(reader.GetDouble(3), 3), reader.GetString(4)));
            }
        }

        return found;
    }

    /// <summary>The batched lookup as a command, for <c>EXPLAIN</c> in tests; run it where the similarity threshold is set.</summary>
    internal static NpgsqlCommand ItemsCommand(IReadOnlyList<ItemQuery> lines, int limit, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string prefix = "")
    {
        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        static string? Digits(string? s) => Blank(s) is { } t && t.All(char.IsAsciiDigit) ? t.TrimStart('0') : null;
        // A sheet's lookup is one long statement: the activity's attempt timeout (and its token) bounds it, not Npgsql's 30 s.
        var command = new NpgsqlCommand(prefix + ItemsSql, connection, transaction) { CommandTimeout = 110 };
        command.Parameters.Add(new() { Value = Enumerable.Range(0, lines.Count).ToArray() });
        foreach (var column in new Func<ItemQuery, string?>[]
        {
            l => Blank(l.Sku), l => Digits(l.Ean), l => Digits(l.Sku), l => Blank(l.Sku) is { } s ? NormalizeSku(s) : null,
            l => (Blank(l.Description) ?? Blank(l.Sku))?.ToLowerInvariant(),
        })
        {
            command.Parameters.Add(new() { Value = lines.Select(column).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        command.Parameters.Add(new() { Value = limit });
        command.Parameters.Add(new() { Value = MinimumSimilarity });
        return command;
    }
}
