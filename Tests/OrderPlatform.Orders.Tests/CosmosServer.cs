using Microsoft.Azure.Cosmos;
using OrderPlatform.Cases;
using OrderPlatform.Hosting;
using OrderPlatform.Hosting.Testing;

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
        var builder = DistributedApplicationTestingBuilder.Create();
        var server = builder.AddCosmosDbServer("cosmos").Resource;
        _app = await builder.BuildAsync(ct);
        await _app.StartAsync(ct);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("cosmos", ct);
        var connectionString = await _app.GetConnectionStringAsync("cosmos", ct)
            ?? throw new InvalidOperationException("cosmos has no connection string.");

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
