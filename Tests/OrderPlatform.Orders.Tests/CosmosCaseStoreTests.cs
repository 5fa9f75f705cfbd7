using OrderPlatform.Cases;

namespace OrderPlatform.Orders.Tests;

/// <summary>The case-store contract against a real Cosmos DB SQL-API server; each test class run gets its own database.</summary>
public sealed class CosmosCaseStoreTests(CosmosServer cosmos) : CaseStoreContract, IClassFixture<CosmosServer>
{
    private readonly CosmosCaseStoreOptions _options = new() { Database = $"orders-{Guid.NewGuid():N}" };

    protected override async Task<ICaseStore> StoreAsync()
    {
        var store = new CosmosCaseStore(cosmos.Client, _options, TimeProvider.System);
        await store.InitializeAsync(Ct);
        return store;
    }
}
