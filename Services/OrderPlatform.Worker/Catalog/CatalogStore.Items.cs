using Npgsql;
using NpgsqlTypes;
using OrderPlatform.Cases;

namespace OrderPlatform.Worker.Catalog;

/// <summary>What one order line is looked up by.</summary>
public sealed record ItemQuery(string? Sku, string? Ean, string? Description);

public sealed partial class CatalogStore
{
    // One statement for a part of a sheet (see TextsPerStatement): each line's keyed tiers (exact SKU or id, EAN from
    // the EAN then from an all-digit SKU, normalised SKU) through their indexes, and only for lines none of those found,
    // the description by trigram similarity: the nearest names by `<->` through the GiST trigram index (a k-nearest
    // walk; the GIN index would recheck every name sharing a common trigram), filtered by `%`, whose threshold is the
    // transaction-local pg_trgm.similarity_threshold. Aliases are compared only on items that have any (a partial
    // index). That search walks much of the GiST index per text (inner signatures saturate in a catalogue of thousands
    // of similar names, so the k-nearest walk prunes little; migration 0003 widens them), so it runs once per distinct
    // description of the statement: an order naming one article on several lines pays for it once (bench/orders
    // `resolve`). MATERIALIZED, or the planner inlines `matched` into the join with `lines` and runs the search per line
    // again.
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

    // A sheet's lines go to the database in statements of at most this many distinct descriptions (the costly part),
    // run on this many connections at once: each statement is short, the activity heartbeats between them, and the
    // descriptions' index walks use more than one Postgres core (bench/orders resolve).
    internal const int TextsPerStatement = 500;
    private const int LinesPerStatement = 2_000;
    private const int Connections = 2;

    /// <summary>
    /// spec R9 for every line at once: exact SKU, EAN/GTIN (with and without zero padding), normalised SKU, then the
    /// description; per line the first tier with hits, in the order of <paramref name="lines"/>. <paramref name="progress"/>
    /// is told how many lines are resolved after each statement.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<CatalogMatch>>> FindItemsAsync(IReadOnlyList<ItemQuery> lines, int limit,
        CancellationToken cancellationToken, IProgress<int>? progress = null)
    {
        var found = new IReadOnlyList<CatalogMatch>[lines.Count];
        var resolved = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Connections, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Statements(lines), options, async (chunk, ct) =>
        {
            var answers = await FindChunkAsync([.. chunk.Select(n => lines[n])], limit, ct).ConfigureAwait(false);
            for (var i = 0; i < chunk.Count; i++)
            {
                found[chunk[i]] = answers[i];
            }

            progress?.Report(Interlocked.Add(ref resolved, chunk.Count));
        }).ConfigureAwait(false);
        return found;
    }

    /// <summary>
    /// The lines' indexes split into statements: lines sharing a description stay in one (it is searched once there),
    /// and a statement closes at <see cref="TextsPerStatement"/> descriptions or <see cref="LinesPerStatement"/> lines.
    /// </summary>
    internal static List<List<int>> Statements(IReadOnlyList<ItemQuery> lines)
    {
        var byText = new Dictionary<string, List<int>>();
        var groups = new List<List<int>>();
        for (var n = 0; n < lines.Count; n++)
        {
            if (SearchText(lines[n]) is not { } text)
            {
                groups.Add([n]);
            }
            else if (byText.TryGetValue(text, out var group))
            {
                group.Add(n);
            }
            else
            {
                groups.Add(byText[text] = [n]);
            }
        }

        var statements = new List<List<int>>();
        var (current, texts) = (new List<int>(), 0);
        foreach (var group in groups)
        {
            if (current.Count > 0 && (texts == TextsPerStatement || current.Count + group.Count > LinesPerStatement))
            {
                statements.Add(current);
                (current, texts) = (new List<int>(), 0);
            }

            current.AddRange(group);
            texts += SearchText(lines[group[0]]) is null ? 0 : 1;
        }

        if (current.Count > 0)
        {
            statements.Add(current);
        }

        return statements;
    }

    private async Task<List<CatalogMatch>[]> FindChunkAsync(IReadOnlyList<ItemQuery> lines, int limit, CancellationToken cancellationToken)
    {
        var found = lines.Select(_ => new List<CatalogMatch>()).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // jit off: the planner's cost for a statement of hundreds of index walks is far over jit_above_cost, and
        // compiling it takes longer than the walks gain from it.
        await using (var settings = new NpgsqlCommand("SELECT set_config('pg_trgm.similarity_threshold', $1, true), set_config('jit', 'off', true)",
            connection, transaction))
        {
            settings.Parameters.Add(new() { Value = MinimumSimilarity.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>What a line's description search looks for (its description, else its code), as the statement compares it.</summary>
    private static string? SearchText(ItemQuery line) => (Blank(line.Description) ?? Blank(line.Sku))?.ToLowerInvariant();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The batched lookup as a command, for <c>EXPLAIN</c> in tests; run it where the similarity threshold is set.</summary>
    internal static NpgsqlCommand ItemsCommand(IReadOnlyList<ItemQuery> lines, int limit, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string prefix = "")
    {
        static string? Digits(string? s) => Blank(s) is { } t && t.All(char.IsAsciiDigit) ? t.TrimStart('0') : null;
        // The activity's attempt timeout (and its token) bounds a lookup, not Npgsql's 30 s: one statement of a loaded machine may need more.
        var command = new NpgsqlCommand(prefix + ItemsSql, connection, transaction) { CommandTimeout = 110 };
        command.Parameters.Add(new() { Value = Enumerable.Range(0, lines.Count).ToArray() });
        foreach (var column in new Func<ItemQuery, string?>[]
        {
            l => Blank(l.Sku), l => Digits(l.Ean), l => Digits(l.Sku), l => Blank(l.Sku) is { } s ? NormalizeSku(s) : null,
            SearchText,
        })
        {
            command.Parameters.Add(new() { Value = lines.Select(column).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        command.Parameters.Add(new() { Value = limit });
        command.Parameters.Add(new() { Value = MinimumSimilarity });
        return command;
    }
}
