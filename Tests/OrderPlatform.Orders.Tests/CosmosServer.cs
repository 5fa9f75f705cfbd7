using Microsoft.Azure.Cosmos;
using OrderPlatform.Cases;
using Aspire.Hosting;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// A real Cosmos DB SQL-API server (cosmosdb-server on Node, installed by npm into the tools cache on first use) and a
/// client set up the way a local endpoint needs: gateway mode, this endpoint only, and its self-signed certificate
/// trusted by exact match and nothing else.
/// </summary>
public sealed class CosmosServer : IAsyncLifetime
{
    private DistributedApplication? _app;

    public CosmosClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = OrderPlatform.Tests.TestApps.CreateBuilder();
        var server = builder.AddCosmosDbServer("cosmos").Resource;
        _app = await OrderPlatform.Tests.TestApps.StartAsync(builder, ["cosmos"], ct);
        var connectionString = await OrderPlatform.Tests.TestApps.ConnectionStringAsync(_app, "cosmos", ct);

        var options = CaseStoreRegistration.CosmosClientOptions();
        options.ConnectionMode = ConnectionMode.Gateway;
        options.LimitToEndpoint = true;
        options.ServerCertificateCustomValidationCallback = (certificate, _, _) => server.IsServerCertificate(certificate);
        Client = new CosmosClient(connectionString, options);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
