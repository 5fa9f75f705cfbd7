using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OrderPlatform.Cases;
using OrderPlatform.Postgres;
using OrderPlatform.Worker.Catalog;
using OrderPlatform.Worker.Committee;
using OrderPlatform.Worker.Data;
using OrderPlatform.Worker.Tests.Committee;

namespace OrderPlatform.Worker.Tests.Data;

/// <summary>The Worker's tables in ordersdb come from versioned migrations, next to the case store's, on real Postgres.</summary>
[Collection("postgres")]
public sealed class WorkerSchemaTests(PostgresFixture postgres)
{
    // What the Worker created itself before migrations (CatalogStore and PostgresMappingHistory at 2b02529), kept
    // verbatim: databases in use hold exactly this.
    private const string PreMigrationSchema = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE TABLE IF NOT EXISTS catalog_customers (
            id text PRIMARY KEY, number text NOT NULL, name text NOT NULL, email text NULL, aliases text[] NOT NULL DEFAULT '{}');
        CREATE TABLE IF NOT EXISTS catalog_items (
            id text PRIMARY KEY, sku text NOT NULL, sku_norm text NOT NULL, ean text NULL, name text NOT NULL, unit text NULL,
            rate numeric NULL, aliases text[] NOT NULL DEFAULT '{}');
        CREATE INDEX IF NOT EXISTS catalog_customers_name_trgm ON catalog_customers USING gin (lower(name) gin_trgm_ops);
        CREATE INDEX IF NOT EXISTS catalog_items_name_trgm ON catalog_items USING gin (lower(name) gin_trgm_ops);
        CREATE INDEX IF NOT EXISTS catalog_items_sku ON catalog_items (upper(sku));
        CREATE INDEX IF NOT EXISTS catalog_items_sku_norm ON catalog_items (sku_norm);
        CREATE INDEX IF NOT EXISTS catalog_items_ean ON catalog_items (ean);
        CREATE INDEX IF NOT EXISTS catalog_items_name_trgm_gist ON catalog_items USING gist (lower(name) gist_trgm_ops);
        CREATE INDEX IF NOT EXISTS catalog_items_ean_digits ON catalog_items (ltrim(ean, '0'));
        CREATE INDEX IF NOT EXISTS catalog_items_aliased ON catalog_items (id) WHERE cardinality(aliases) > 0;
        CREATE TABLE IF NOT EXISTS mapping_history (
            tenant_id text NOT NULL, customer_key text NOT NULL, profile jsonb NOT NULL, confirmed_at timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, customer_key));
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoWorkersStartingAtOnceOnAnEmptyDatabaseBothComeUp()
    {
        var database = await postgres.NewDatabaseAsync("workers");
        using var first = WorkerHost(database);
        using var second = WorkerHost(database);

        await Task.WhenAll(first.StartAsync(Ct), second.StartAsync(Ct));
        try
        {
            // Both serve the mapping history and the replica the seeder filled, from one set of tables.
            var profile = Profile("t-both", DateTimeOffset.UtcNow);
            await first.Services.GetRequiredService<IMappingHistory>().SaveConfirmedAsync(profile, Ct);
            Assert.NotNull(await second.Services.GetRequiredService<IMappingHistory>().FindAsync("t-both", "C-1", Ct));
            var seeded = SeedCatalog.Items[0];
            Assert.Equal(seeded.Id, (await second.Services.GetRequiredService<CatalogStore>().FindItemsAsync(seeded.Sku, null, null, 5, Ct))[0].Id);

            Assert.Equal(WorkerSchema.Migrations.Select(m => m.Name), await HistoryAsync(database, OrdersDatabase.WorkerHistory));
            Assert.NotEmpty(await HistoryAsync(database, OrdersDatabase.CaseStoreHistory));
        }
        finally
        {
            await Task.WhenAll(first.StopAsync(CancellationToken.None), second.StopAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task ADatabaseTheWorkerSetUpBeforeMigrationsKeepsItsDataAndIsRecordedAsMigrated()
    {
        var database = await postgres.NewDatabaseAsync("legacy");
        var confirmed = DateTimeOffset.UtcNow.AddDays(-3);
        await using (var legacy = NpgsqlDataSource.Create(database))
        {
            await ExecuteAsync(legacy, PreMigrationSchema);
            await new CatalogStore(legacy).UpsertAsync([], [new CatalogItem("I-OLD", "OLD-1", null, "Kabelbinder schwarz 200 mm", "Stk", 1m, [])], Ct);
            await ExecuteAsync(legacy, $"""
                INSERT INTO mapping_history VALUES ('t-old', 'c-1', '{System.Text.Json.JsonSerializer.Serialize(Profile("t-old", confirmed),
                    new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))}', '{confirmed:O}')
                """);
        }

        using var worker = WorkerHost(database);
        await worker.StartAsync(Ct);
        try
        {
            var found = await worker.Services.GetRequiredService<CatalogStore>().FindItemsAsync(null, null, "kabelbinder schwarz 200", 5, Ct);
            Assert.Equal("I-OLD", Assert.Single(found).Id);
            var history = await worker.Services.GetRequiredService<IMappingHistory>().FindAsync("t-old", "C-1", Ct);
            Assert.Equal(confirmed.ToUnixTimeMilliseconds(), history?.ConfirmedAt.ToUnixTimeMilliseconds());
            Assert.Equal(WorkerSchema.Migrations.Select(m => m.Name), await HistoryAsync(database, OrdersDatabase.WorkerHistory));
            // The seed catalogue goes only into an empty replica, and this one held an item.
            Assert.Equal((0L, 1L), await worker.Services.GetRequiredService<CatalogStore>().CountAsync(Ct));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>What a Worker process starts against ordersdb (no Temporal needed): case store, seeder, mapping history.</summary>
    private static IHost WorkerHost(string database)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:ordersdb"] = database });
        builder.AddWorkerServices();
        builder.AddCaseStore();
        builder.Services.AddSingleton<CatalogStore>();
        builder.Services.AddHostedService<CatalogSeeder>();
        return builder.Build();
    }

    private static async Task<List<string>> HistoryAsync(string database, string table)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var command = source.CreateCommand($"SELECT name FROM {table} ORDER BY name");
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static MappingProfile Profile(string tenant, DateTimeOffset confirmedAt) => PostgresMappingHistoryTests.Profile(tenant, "C-1", "C", confirmedAt);
}
