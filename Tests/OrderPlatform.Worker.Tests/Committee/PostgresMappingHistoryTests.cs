using Npgsql;
using OrderPlatform.Worker.Committee;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Tests.Parsing;

namespace OrderPlatform.Worker.Tests.Committee;

[Collection("postgres")]
public sealed class PostgresMappingHistoryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AConfirmedMappingSurvivesANewStoreInstance()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = $"t-{Guid.NewGuid():N}";
        var profile = Profile(tenant, "C-77", "C", DateTimeOffset.UtcNow);
        await using (var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString))
        {
            using var first = new PostgresMappingHistory(dataSource);
            await first.SaveConfirmedAsync(profile, ct);
        }

        await using var otherSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        using var second = new PostgresMappingHistory(otherSource);
        var found = await second.FindAsync(tenant.ToUpperInvariant(), " c-77 ", ct);

        Assert.NotNull(found);
        Assert.Equal(profile.HeaderFingerprint, found.HeaderFingerprint);
        Assert.Equal(profile.ColumnLetters, found.ColumnLetters);
        Assert.Equal(profile.ColumnHeaders, found.ColumnHeaders);
        Assert.Equal(',', found.DecimalSeparator);
        Assert.Equal("dmy", found.DateOrder);
        Assert.Equal(profile.ConfirmedAt.ToUnixTimeMilliseconds(), found.ConfirmedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task AnotherCustomersOrTenantsMappingIsNeverReturned()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = $"t-{Guid.NewGuid():N}";
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        using var history = new PostgresMappingHistory(dataSource);
        await history.SaveConfirmedAsync(Profile(tenant, "C-1", "C", DateTimeOffset.UtcNow), ct);
        await history.SaveConfirmedAsync(Profile($"other-{tenant}", "C-2", "E", DateTimeOffset.UtcNow), ct);

        Assert.Null(await history.FindAsync(tenant, "C-2", ct));
        Assert.Null(await history.FindAsync($"other-{tenant}", "C-1", ct));
        Assert.Equal("C", (await history.FindAsync(tenant, "C-1", ct))?.ColumnLetters[OrderFields.Quantity]);
        Assert.Equal("E", (await history.FindAsync($"other-{tenant}", "C-2", ct))?.ColumnLetters[OrderFields.Quantity]);
    }

    [Fact]
    public async Task ALaterConfirmationReplacesAnEarlierOneButAReplayedOlderOneDoesNot()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = $"t-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        using var history = new PostgresMappingHistory(dataSource);

        await history.SaveConfirmedAsync(Profile(tenant, "C-1", "C", now), ct);
        await history.SaveConfirmedAsync(Profile(tenant, "C-1", "D", now.AddMinutes(1)), ct);
        await history.SaveConfirmedAsync(Profile(tenant, "C-1", "C", now), ct);

        Assert.Equal("D", (await history.FindAsync(tenant, "C-1", ct))?.ColumnLetters[OrderFields.Quantity]);
    }

    [Fact]
    public async Task TheCommitteeReusesAMappingStoredInPostgres()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = $"t-{Guid.NewGuid():N}";
        var book = new XlsxBuilder();
        ParserHarness.GermanOrder(book);
        var sheet = ParserHarness.Parse(book);
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        using var history = new PostgresMappingHistory(dataSource);
        await history.SaveConfirmedAsync(HistoryMember.Confirmed("C-9", sheet, new Dictionary<string, string> { [OrderFields.Quantity] = "F" }, null,
            DateTimeOffset.UtcNow, tenant), ct);

        var proposal = await new HistoryMember(history).ProposeAsync(new CommitteeInput(sheet, "C-9", tenant), ct);
        var elsewhere = await new HistoryMember(history).ProposeAsync(new CommitteeInput(sheet, "C-9", $"other-{tenant}"), ct);

        Assert.Equal(5, proposal?.Columns[OrderFields.Quantity].Column);
        Assert.Null(elsewhere);
    }

    internal static MappingProfile Profile(string tenant, string customer, string quantityColumn, DateTimeOffset confirmedAt) => new(
        customer, "Order", 3, "fp-teil|text|anz", new Dictionary<string, string> { [OrderFields.Quantity] = quantityColumn, [OrderFields.Code] = "A" },
        new Dictionary<string, string> { [OrderFields.Quantity] = "anz", [OrderFields.Code] = "teil" }, ',', "dmy", confirmedAt, tenant);
}
