using Npgsql;
using OrderPlatform.Worker.Catalog;

namespace OrderPlatform.Orders.Tests;

public sealed class CatalogTests(Infrastructure infrastructure)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ItemsMatchByKeyFirstThenByTrigramSimilarityWithScores()
    {
        await using var dataSource = NpgsqlDataSource.Create(infrastructure.OrdersDb);
        var catalog = new CatalogStore(dataSource);
        await catalog.InitializeAsync(Ct);
        var suffix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var id = $"cat-{suffix}";
        await catalog.UpsertAsync([new CatalogCustomer($"cust-{suffix}", $"N{suffix}", $"Bäckerei Sonnenschein {suffix} KG", null, [$"Sonnenschein {suffix}"])],
            [new CatalogItem(id, $"Q{suffix}-0032", $"00{suffix.Length}4006381333931"[..13], $"Fräserhalter {suffix} Spezial lang", "Stk", 9.5m, [])], Ct);

        var exact = Assert.Single(await catalog.FindItemsAsync($"q{suffix}-0032", null, null, 5, Ct));
        Assert.Equal((id, 1.0, "sku"), (exact.Id, exact.Score, exact.MatchedBy));

        var normalised = Assert.Single(await catalog.FindItemsAsync($"Q{suffix} 0032", null, null, 5, Ct));
        Assert.Equal((id, 0.95, "normalised-sku"), (normalised.Id, normalised.Score, normalised.MatchedBy));

        var fuzzy = await catalog.FindItemsAsync("ZZ-unknown", null, $"Fraeserhalter {suffix} spezial", 5, Ct);
        Assert.Equal(id, fuzzy[0].Id);
        Assert.Equal(CatalogStore.Fuzzy, fuzzy[0].MatchedBy);
        Assert.InRange(fuzzy[0].Score, 0.2, 0.99);

        var customer = Assert.Single(await catalog.FindCustomersAsync($"n{suffix}", 5, Ct));
        Assert.Equal((CatalogStore.Exact, 1.0), (customer.MatchedBy, customer.Score));
        var byAlias = Assert.Single(await catalog.FindCustomersAsync($"sonnenschein {suffix}", 5, Ct));
        Assert.Equal(CatalogStore.Exact, byAlias.MatchedBy);
        var byName = await catalog.FindCustomersAsync($"Baeckerei Sonnenschein {suffix}", 5, Ct);
        Assert.Equal((CatalogStore.Fuzzy, $"cust-{suffix}"), (byName[0].MatchedBy, byName[0].Id));
    }

    [Theory]
    [InlineData("4711-0032", "47110032")]
    [InlineData("0004711.0032", "47110032")]
    [InlineData("ab 100", "AB100")]
    [InlineData("000", "0")]
    public void SkusAreNormalisedWithoutSeparatorsCaseOrLeadingZeros(string sku, string expected) =>
        Assert.Equal(expected, CatalogStore.NormalizeSku(sku));
}
