using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace OrderPlatform.Orders.Tests;

/// <summary>ServiceDefaults' AddAzureBlobServiceClient/AddAzureQueueServiceClient against the shared Azurite.</summary>
public sealed class StorageClientRegistrationTests(Infrastructure infrastructure)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HostApplicationBuilder Builder(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        return builder;
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider services, string name)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name, Ct);
        return Assert.Single(report.Entries, e => e.Key == name).Value;
    }

    [Fact]
    public void AMissingConnectionFailsAtRegistrationWithItsName()
    {
        var blobs = Assert.Throws<InvalidOperationException>(() => Builder().AddAzureBlobServiceClient("blobs"));
        Assert.Equal("Connection string 'blobs' is missing. Run through the AppHost or set ConnectionStrings__blobs.", blobs.Message);
        var queues = Assert.Throws<InvalidOperationException>(() => Builder().AddAzureQueueServiceClient("queues"));
        Assert.Equal("Connection string 'queues' is missing. Run through the AppHost or set ConnectionStrings__queues.", queues.Message);
    }

    [Fact]
    public async Task AzuritesConnectionStringGivesSharedKeyClientsWhoseChecksAreNamedByTheConnection()
    {
        var builder = Builder(("ConnectionStrings:blobs", infrastructure.Blobs), ("ConnectionStrings:queues", infrastructure.Queues));
        builder.AddAzureBlobServiceClient("blobs");
        builder.AddAzureQueueServiceClient("queues");
        await using var services = builder.Services.BuildServiceProvider();

        Assert.True(services.GetRequiredService<BlobServiceClient>().CanGenerateAccountSasUri);
        Assert.True(services.GetRequiredService<QueueServiceClient>().CanGenerateAccountSasUri);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(services, "blobs")).Status);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(services, "queues")).Status);
    }

    [Fact]
    public async Task AnEndpointUriUsesATokenCredentialAndAFailedCheckNamesOnlyTheErrorType()
    {
        // An endpoint is what the Azure manifest injects. A fixed token stands in for DefaultAzureCredential, which would
        // probe the instance metadata address; nothing listens on port 1.
        var builder = Builder(("ConnectionStrings:blobs", "https://127.0.0.1:1/devstoreaccount1"));
        builder.AddAzureBlobServiceClient("blobs", s => s.Credential = new FixedToken(), o => o.Retry.MaxRetries = 0);
        await using var services = builder.Services.BuildServiceProvider();

        var client = services.GetRequiredService<BlobServiceClient>();
        Assert.False(client.CanGenerateAccountSasUri);
        Assert.Equal(new Uri("https://127.0.0.1:1/devstoreaccount1"), client.Uri);
        var entry = await CheckAsync(services, "blobs");
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Matches(@"^Blob service unreachable \(\w+\)\.$", entry.Description);
    }

    [Fact]
    public async Task SettingsComeFromTheAspireSectionsAndCanTurnTheCheckOff()
    {
        var builder = Builder(
            ("Aspire:Azure:Storage:Queues:queues:ServiceUri", "https://account.queue.core.windows.net"),
            ("Aspire:Azure:Storage:Queues:queues:DisableHealthChecks", "true"));
        builder.Services.AddHealthChecks();
        builder.AddAzureQueueServiceClient("queues");
        await using var services = builder.Services.BuildServiceProvider();

        Assert.Equal(new Uri("https://account.queue.core.windows.net"), services.GetRequiredService<QueueServiceClient>().Uri);
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Empty(report.Entries);
    }

    [Fact]
    public async Task RegisteringOneConnectionTwiceKeepsOneHealthCheck()
    {
        var builder = Builder(("ConnectionStrings:blobs", infrastructure.Blobs));
        builder.AddAzureBlobServiceClient("blobs");
        builder.AddAzureBlobServiceClient("blobs");
        await using var services = builder.Services.BuildServiceProvider();

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(["blobs"], report.Entries.Keys);
    }

    private sealed class FixedToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("test-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
