using System.Diagnostics;
using Aspire.Hosting;
using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Worker.Catalog;

/// <summary>
/// resolve-items' catalogue lookup of description-only lines (no article code, so the trigram search) on a local
/// Postgres: the old per-line path (one lookup per line, as the Worker resolved before the batched query) as the
/// baseline, next to the batched lookup of the whole sheet in one statement, on two sheets: every description distinct,
/// and one where a quarter of the lines name an article another line already named (two delivery dates of one article).
/// Both paths must answer the same (up to which of several names tied with the fifth score are shown); the bench stops if
/// they do not.
/// </summary>
internal static class ResolveBench
{
    private const int Candidates = 5;
    private static readonly string[] Nouns = ["Schraube", "Mutter", "Scheibe", "Dübel", "Gewindestange", "Senkschraube", "Holzschraube", "Blindniete"];
    private static readonly string[] Finishes = ["verzinkt", "Edelstahl A2", "Edelstahl A4", "feuerverzinkt", "schwarz", "gelb chromatiert"];
    private static readonly int[] Norms = [933, 934, 125, 912, 7985, 571, 7991, 9021];

    public static async Task RunAsync(int items, int lines, int rounds)
    {
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        builder.AddPostgres("postgres").WithLocalProcessFallback().AddDatabase("ordersdb");
        await using var app = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["ordersdb"], CancellationToken.None);
        await using var data = NpgsqlDataSource.Create(await OrderPlatform.Tests.TestApps.ConnectionStringAsync(app, "ordersdb", CancellationToken.None));
        var store = new CatalogStore(data);
        await store.InitializeAsync(CancellationToken.None);
        await store.UpsertAsync([], Enumerable.Range(0, items).Select(i => new CatalogItem($"I{i:D6}", $"A-{i:D6}", null, Name(i), "Stk", 1m, [])),
            CancellationToken.None);
        await using (var analyze = data.CreateCommand("ANALYZE catalog_items"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var random = new Random(7);
        // Drawn without replacement, so "distinct" is what it says (drawing 10,000 of 20,000 with replacement repeats ~2,100).
        var distinct = Enumerable.Range(0, items).OrderBy(_ => random.Next()).Take(lines).Select(Query).ToList();
        if (distinct.Count < lines)
        {
            throw new ArgumentException($"A sheet of {lines:N0} distinct descriptions needs at least as many items.");
        }

        var repeated = distinct.Take(lines * 3 / 4).ToList();
        repeated.AddRange(Enumerable.Range(0, lines - repeated.Count).Select(_ => repeated[random.Next(repeated.Count)]));
        Console.WriteLine($"Catalogue: {items:N0} items; sheets of {lines:N0} description-only lines; {Candidates} candidates per line; "
            + $"median of {rounds} interleaved rounds after one warm-up");
        await Compare(store, "all descriptions distinct", distinct, rounds);
        await Compare(store, "a quarter repeat a line above", repeated, rounds);
    }

    private static async Task Compare(CatalogStore store, string sheet, List<ItemQuery> lines, int rounds)
    {
        await store.FindItemsAsync(lines.Take(20).ToList(), Candidates, CancellationToken.None);
        var perLine = new List<double>();
        var batched = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var one = new List<IReadOnlyList<CatalogMatch>>();
            foreach (var line in lines)
            {
                one.Add(await store.FindItemsAsync(line.Sku, line.Ean, line.Description, Candidates, CancellationToken.None));
            }

            perLine.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var all = await store.FindItemsAsync(lines, Candidates, CancellationToken.None);
            batched.Add(clock.Elapsed.TotalMilliseconds);
            if (!one.Zip(all).All(p => SameUpToTheLastTie(p.First, p.Second)))
            {
                throw new InvalidOperationException($"The batched lookup answered differently from the per-line one ({sheet}).");
            }
        }

        var (a, b) = (Median(perLine), Median(batched));
        Console.WriteLine($"{sheet}:");
        Console.WriteLine($"  per line (baseline): {a,9:N0} ms, {a / lines.Count,6:N2} ms per line");
        Console.WriteLine($"  batched, one query : {b,9:N0} ms, {b / lines.Count,6:N2} ms per line ({a / b:N2}x faster; same answers)");
    }

    /// <summary>Equal, except which of several names tied with the fifth score fill the last places (the index walk's choice).</summary>
    private static bool SameUpToTheLastTie(IReadOnlyList<CatalogMatch> a, IReadOnlyList<CatalogMatch> b)
    {
        var open = a.Count == Candidates ? a[^1].Score : double.NaN;
        return a.Select(m => m.Score).SequenceEqual(b.Select(m => m.Score)) && a.Zip(b).All(p => p.First.Score == open || p.First == p.Second);
    }

    private static ItemQuery Query(int item) => new(null, null, Name(item).ToLowerInvariant().Replace(",", "", StringComparison.Ordinal));

    /// <summary>Hardware names as a wholesaler's catalogue has them: a few nouns, sizes, finishes and norms, so names share many trigrams.</summary>
    private static string Name(int i) =>
        $"{Nouns[i % Nouns.Length]} M{3 + (i / 8 % 20)}x{10 + (i / 160 % 25 * 5)} {Finishes[i / 4000 % Finishes.Length]}, DIN {Norms[(i / 7) % Norms.Length]}";

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
