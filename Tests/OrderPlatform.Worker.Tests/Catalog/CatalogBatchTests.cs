using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Worker.Catalog;

namespace OrderPlatform.Worker.Tests.Catalog;

/// <summary>
/// A sheet of many distinct descriptions, looked up in several statements on several connections, against a catalogue
/// whose names share most of their trigrams (the case the trigram index prunes worst): every line must get what a plain
/// similarity scan of the whole table gives, and what its own lookup gives.
/// </summary>
[Collection("postgres")]
public sealed class CatalogBatchTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Items = 4_000;
    private const int Candidates = 5;
    private static readonly string[] Nouns = ["Schraube", "Mutter", "Scheibe", "Dübel", "Senkschraube", "Holzschraube"];
    private static readonly string[] Finishes = ["verzinkt", "Edelstahl A2", "feuerverzinkt", "schwarz"];

    private readonly string _run = $"B{Guid.NewGuid():N}"[..9];
    private SeededCatalog _catalog = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NpgsqlDataSource _data => _catalog.Data;

    private CatalogStore _store => _catalog.Store;

    public async ValueTask InitializeAsync() =>
        _catalog = await SeededCatalog.CreateAsync(postgres.ConnectionString, _run, Enumerable.Range(0, Items).Select(i => new CatalogItem($"{_run}{i:D5}", $"{_run}-{i:D5}", null, Name(i), "Stk", 1m, [])), Ct);

    public ValueTask DisposeAsync() => _catalog.DisposeAsync();

    [Fact]
    public async Task ASheetOfDistinctDescriptionsGetsTheMatchesOfAFullSimilarityScanAndOfItsOwnLookups()
    {
        // More distinct descriptions than three statements hold: exact names, names cut short, a size written another
        // way, and words that match nothing; then a line repeating one of the first statement's in the last.
        var lines = Enumerable.Range(0, CatalogStore.TextsPerStatement * 2 + 300).Select(i => new ItemQuery(null, null, (i % 4) switch
        {
            0 => Name(i * 3),
            1 => Name(i * 3)[..^4],
            2 => Name(i * 3).Replace("x", " x ", StringComparison.Ordinal).ToUpperInvariant(),
            _ => $"qq{i} zz{i % 7}",
        })).ToList();
        lines.Add(lines[4]);
        var reported = new List<int>();

        var batched = await _store.FindItemsAsync(lines, Candidates, Ct, new SynchronousProgress(reported));

        Assert.Equal(lines.Count, batched.Count);
        var scan = await ScanAsync([.. lines.Select(l => l.Description!.ToLowerInvariant())]);
        for (var i = 0; i < lines.Count; i++)
        {
            // The nearest five by score; which of several names tied at the fifth score is shown is the index's choice.
            var expected = scan[i];
            var message = $"line {i} \"{lines[i].Description}\": batched [{string.Join("; ", batched[i])}], scan [{string.Join("; ", expected)}]";
            Assert.True(batched[i].Select(m => m.Score).SequenceEqual(expected.Take(Candidates).Select(m => m.Score)), message);
            Assert.True(batched[i].All(m => m.MatchedBy == CatalogStore.Fuzzy && expected.Any(e => e.Id == m.Id && e.Score == m.Score)), message);
            Assert.Equal(batched[i].Count, batched[i].Select(m => m.Id).Distinct().Count());
        }

        Assert.Equal(Id(0), batched[0][0].Id);
        Assert.Equal(1.0, batched[0][0].Score);
        Assert.Empty(batched[3]);
        Assert.Equal(batched[4], batched[^1]);
        foreach (var i in new[] { 0, 1, 2, 3, 4, 499, 500, 501, 1001, 1299, lines.Count - 1 })
        {
            var own = await _store.FindItemsAsync(null, null, lines[i].Description, Candidates, Ct);
            Assert.True(SameUpToTheLastTie(own, batched[i]), $"line {i}: batched [{string.Join("; ", batched[i])}], own [{string.Join("; ", own)}]");
        }

        Assert.Equal(3, reported.Count);
        Assert.Equal(lines.Count, reported.Max());
    }

    [Fact]
    public void LinesSharingADescriptionStayInOneStatementAndEveryLineIsInExactlyOne()
    {
        // Two statements' worth of descriptions, then a code (searched by itself), the first description again in other
        // case, a blank line and the last description again.
        var lines = Enumerable.Range(0, CatalogStore.TextsPerStatement * 2).Select(i => new ItemQuery(null, null, $"text {i}")).ToList();
        lines.AddRange([new ItemQuery("SKU-1", null, null), new(null, null, " TEXT 0"), new(null, null, "   "), new(null, null, $"text {lines.Count - 1}")]);

        var statements = CatalogStore.Statements(lines);

        Assert.Equal(Enumerable.Range(0, lines.Count), statements.SelectMany(s => s).Order());
        Assert.Contains(statements, s => s.Contains(0) && s.Contains(lines.Count - 3));
        Assert.Contains(statements, s => s.Contains(lines.Count - 5) && s.Contains(lines.Count - 1));
        Assert.All(statements, s => Assert.InRange(s.Select(n => lines[n].Description?.Trim().ToLowerInvariant()).Distinct().Count(), 1,
            CatalogStore.TextsPerStatement));
        Assert.Equal(3, statements.Count);
    }

    /// <summary>Every catalogue item's similarity (name or alias) to each text by a plain scan (no index), best first, as many as tie with the fifth.</summary>
    private async Task<List<CatalogMatch>[]> ScanAsync(string[] texts)
    {
        await using var command = _data.CreateCommand("""
            SELECT t.n - 1, s.id, s.name, s.score FROM unnest($1::text[]) WITH ORDINALITY AS t(text, n) CROSS JOIN LATERAL (
                SELECT id, name, score, rank() OVER (ORDER BY score DESC) AS r FROM (
                    SELECT id, name, greatest(similarity(lower(name), t.text),
                        coalesce((SELECT max(similarity(lower(a), t.text)) FROM unnest(aliases) a), 0))::float8 AS score
                    FROM catalog_items) a WHERE score >= 0.2) s
            WHERE s.r <= $2 ORDER BY t.n, s.score DESC, s.id
            """);
        command.Parameters.Add(new() { Value = texts });
        command.Parameters.Add(new() { Value = Candidates });
        command.CommandTimeout = 300;
        var found = texts.Select(_ => new List<CatalogMatch>()).ToArray();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            found[(int)reader.GetInt64(0)].Add(new CatalogMatch(reader.GetString(1), reader.GetString(2), Math.Round(reader.GetDouble(3), 3), CatalogStore.Fuzzy));
        }

        return found;
    }

    /// <summary>
    /// Equal, except which of the names tied with the fifth score fill the last places: the k-nearest walk takes tied
    /// names in the order it meets them, which dead index entries and page splits change between two runs.
    /// </summary>
    private static bool SameUpToTheLastTie(IReadOnlyList<CatalogMatch> a, IReadOnlyList<CatalogMatch> b)
    {
        if (!a.Select(m => m.Score).SequenceEqual(b.Select(m => m.Score)))
        {
            return false;
        }

        var open = a.Count == Candidates ? a[^1].Score : double.NaN;
        return a.Zip(b).All(p => p.First.Score == open || p.First == p.Second);
    }

    private string Id(int i) => $"{_run}{i:D5}";

    /// <summary>Hardware names: a few nouns, sizes and finishes, so most names share most trigrams with many others.</summary>
    private static string Name(int i) => $"{Nouns[i % Nouns.Length]} M{3 + (i / 6 % 20)}x{10 + (i / 120 % 30 * 5)} {Finishes[i / 3600 % Finishes.Length]}, DIN {933 + (i % 5)}";

    private sealed class SynchronousProgress(List<int> reported) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (reported)
            {
                reported.Add(value);
            }
        }
    }
}
