using System.Diagnostics;
using Npgsql;
using OrderPlatform.Worker.Catalog;

namespace OrderPlatform.Worker.Tests.Catalog;

/// <summary>resolve-items' lookup of a whole sheet in one query against a replica of catalogue size, on real Postgres.</summary>
[Collection("postgres")]
public sealed class CatalogLookupTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Items = 20_000;
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "tur", "bas", "vel", "dri", "om", "pex", "sul", "gra", "fin", "zo", "hek", "wu"];

    private readonly string _run = $"L{Guid.NewGuid():N}"[..9];
    private SeededCatalog _catalog = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private NpgsqlDataSource _data => _catalog.Data;

    private CatalogStore _store => _catalog.Store;

    public async ValueTask InitializeAsync() =>
        _catalog = await SeededCatalog.CreateAsync(postgres.ConnectionString, _run, Enumerable.Range(0, Items).Select(Item), Ct);

    public ValueTask DisposeAsync() => _catalog.DisposeAsync();

    [Fact]
    public async Task TenThousandLinesResolveInOneQueryWellWithinTheActivityTimeout()
    {
        // Exact SKU, EAN with its zero padding dropped, SKU written differently, and one line in twenty by description
        // only (a fuzzy line costs tens of milliseconds on a loaded machine; a sheet of only those would not fit).
        var lines = Enumerable.Range(0, 10_000).Select(i => (i % 20) switch
        {
            19 => new ItemQuery(null, null, Name(i)[..^1]),
            _ when i % 3 == 0 => new ItemQuery(Sku(i), null, null),
            _ when i % 3 == 1 => new ItemQuery(null, Ean(i).TrimStart('0'), null),
            _ => new ItemQuery(Sku(i).Replace("-", " ", StringComparison.Ordinal).ToLowerInvariant(), null, null),
        }).ToList();

        var clock = Stopwatch.StartNew();
        var found = await _store.FindItemsAsync(lines, 5, Ct);
        clock.Stop();

        TestContext.Current.SendDiagnosticMessage($"10,000 lines against {Items:N0} items: {clock.Elapsed.TotalSeconds:0.0} s");
        // resolve-items has two minutes; the lookup must leave most of it.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Equal(lines.Count, found.Count);
        foreach (var i in new[] { 0, 9999, 1, 9997, 2, 9998, 19, 39, 9979 })
        {
            Assert.Equal(Id(i), found[i][0].Id);
            Assert.Equal(i % 20 == 19 ? "fuzzy" : (i % 3) switch { 0 => "sku", 1 => "ean", _ => "normalised-sku" }, found[i][0].MatchedBy);
        }
    }

    [Fact]
    public async Task TheBatchedLookupAnswersEveryLineAsItsOwnLookupDoes()
    {
        // Description-only lines (near and far from a name, some repeated on later lines, one matching nothing), keyed
        // lines, a key that misses and falls back to its description, and an empty line, in one sheet.
        var lines = new List<ItemQuery>();
        for (var i = 0; i < 30; i++)
        {
            lines.Add(new ItemQuery(null, null, i % 3 == 0 ? Name(100 + i) : Name(100 + i)[..^3].ToUpperInvariant()));
        }

        lines.AddRange([lines[2], lines[5], lines[5], new(null, null, "qqqq xxxx zzzz"), new(Sku(7), null, null), new(null, Ean(8), null),
            new("NO-SUCH-CODE", null, Name(9)), new("NO-SUCH-CODE", null, null), new(null, null, "  "), lines[0]]);

        var batched = await _store.FindItemsAsync(lines, 5, Ct);
        for (var i = 0; i < lines.Count; i++)
        {
            var own = await _store.FindItemsAsync(lines[i].Sku, lines[i].Ean, lines[i].Description, 5, Ct);
            Assert.True(own.SequenceEqual(batched[i]), $"line {i} ({lines[i]}): batched [{string.Join("; ", batched[i])}], own [{string.Join("; ", own)}]");
        }

        Assert.Equal(Id(100), batched[0][0].Id);
        Assert.Equal(batched[5], batched[31]);
        Assert.Empty(batched[33]);
        Assert.Equal(Id(9), batched[36][0].Id);
    }

    [Fact]
    public async Task TheBatchedLookupSearchesDescriptionsThroughTheTrigramIndexAndKeysThroughTheirIndexes()
    {
        await using var connection = await _data.OpenConnectionAsync(Ct);
        ItemQuery[] lines = [new(Sku(1), Ean(1), null), new(null, null, Name(2)), new(Sku(3).ToLowerInvariant(), null, "x")];
        await using var explain = CatalogStore.ItemsCommand(lines, 5, connection, null, "EXPLAIN ");
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join(Environment.NewLine, plan);
        Assert.Contains("catalog_items_name_trgm", text);
        Assert.Contains("catalog_items_sku", text);
        Assert.Contains("catalog_items_ean_digits", text);
        Assert.Contains("catalog_items_sku_norm", text);
        Assert.Contains("catalog_items_aliased", text);
        Assert.DoesNotContain("Seq Scan on catalog_items", text);
    }

    [Fact]
    public async Task ADescriptionOnSeveralLinesIsSearchedOnce()
    {
        await using var connection = await _data.OpenConnectionAsync(Ct);
        ItemQuery[] lines = [new(null, null, Name(4)), new(null, null, Name(5)), new(null, null, Name(4)), new(null, null, Name(4))];
        await using var explain = CatalogStore.ItemsCommand(lines, 5, connection, null, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ");
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                plan.Add(reader.GetString(0));
            }
        }

        var search = Assert.Single(plan, l => l.Contains("Index Scan using catalog_items_name_trgm_gist", StringComparison.Ordinal));
        Assert.Contains("loops=2)", search);
    }

    private string Id(int i) => $"{_run}{i:D6}";

    private string Sku(int i) => $"{_run}-{i:D6}";

    private static string Ean(int i) => $"00{4_000_000_000_000L + i}";

    /// <summary>Three made-up words per item, so names share few trigrams, as in a real catalogue of distinct articles.</summary>
    private static string Name(int i)
    {
        var random = new Random(i);
        return string.Join(' ', Enumerable.Range(0, 3).Select(_ => string.Concat(Enumerable.Range(0, 3).Select(_ => Syllables[random.Next(Syllables.Length)])))) + $" {i:D6}";
    }

    private CatalogItem Item(int i) => new(Id(i), Sku(i), Ean(i), Name(i), "Stk", 1m, []);
}
