using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.LocalProcesses;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrderPlatform.Orders.Tests;

/// <summary>
/// @vercel/cosmosdb-server, a Cosmos DB SQL-API server on Node (npm-installed into the tools cache), as a test-only
/// Aspire resource that always runs as a local process: the Cosmos emulator needs a container engine we lack.
/// </summary>
public sealed class CosmosDbServerResource(string name) : Resource(name), IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithWaitSupport
{
    public const string Version = "1.0.1";

    /// <summary>The Cosmos emulator's well-known account key, which cosmosdb-server accepts.</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    /// <summary>The server's self-signed certificate, read from the package at start.</summary>
    public X509Certificate2? Certificate { get; internal set; }

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"AccountEndpoint={new EndpointReference(this, "https").Property(EndpointProperty.Url)}/;AccountKey={EmulatorKey};");

    /// <summary>Trust by exact match with the server's own certificate, nothing else.</summary>
    public bool IsServerCertificate(X509Certificate2? presented) =>
        presented is not null && Certificate is not null && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData);
}

public static class CosmosDbServerExtensions
{
    public static IResourceBuilder<CosmosDbServerResource> AddCosmosDbServer(this IDistributedApplicationBuilder builder, string name)
    {
        var server = new CosmosDbServerResource(name);
        builder.Services.AddHealthChecks().AddAsyncCheck($"{name}_check", ct => ProbeAsync(server, ct));
        return builder.AddResource(server)
            .WithEndpoint("https", e => { e.UriScheme = "https"; e.Transport = "http"; }, createIfNotExists: true)
            .WithHealthCheck($"{name}_check")
            .WithLocalProcess(new CosmosDbServerLauncher(server));
    }

    private static async Task<HealthCheckResult> ProbeAsync(CosmosDbServerResource server, CancellationToken ct)
    {
        try
        {
            var url = server.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "https").AllocatedEndpoint!.UriString;
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => server.IsServerCertificate(cert) };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5), DefaultRequestHeaders = { ConnectionClose = true } };
            using var response = await client.GetAsync(new Uri($"{url}/"), ct);
            return response.IsSuccessStatusCode ? HealthCheckResult.Healthy("the account answers.")
                : HealthCheckResult.Unhealthy($"the account answered {(int)response.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}

internal sealed class CosmosDbServerLauncher(CosmosDbServerResource server) : ILocalProcessLauncher
{
    public string? MissingPrerequisite() => NpmPackage.MissingPrerequisite("cosmosdb-server");

    public async Task<LocalProcessSpec> PrepareAsync(LocalProcessContext context, CancellationToken cancellationToken)
    {
        var package = await NpmPackage.EnsureInstalledAsync(context, "@vercel/cosmosdb-server", CosmosDbServerResource.Version, "lib/cli.js", cancellationToken);
        server.Certificate ??= X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(package, "cert.pem"), cancellationToken));
        return new LocalProcessSpec(Binaries.Find("node")!,
            [Path.Combine(package, "lib", "cli.js"), "--host", "127.0.0.1", "--port", context.Port("https").ToString(CultureInfo.InvariantCulture)]);
    }
}
