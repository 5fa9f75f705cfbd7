using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;

namespace OrderPlatform.Hosting;

/// <summary>
/// A Cosmos DB SQL-API server that runs without a container engine: <c>@vercel/cosmosdb-server</c> on Node,
/// installed with npm into the tools cache on first use. In-memory (empty at each start) and HTTPS with the
/// package's own self-signed certificate, which clients should trust for this endpoint only (<see cref="Certificate"/>).
/// It does not check keys and does not read the .NET SDK's binary transactional batches.
/// </summary>
public sealed class CosmosDbServerResource(string name) : Resource(name), IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The certificate the server presents; known once the package is installed (before the resource starts).</summary>
    public X509Certificate2? Certificate { get; internal set; }

    /// <summary><c>AccountEndpoint=https://127.0.0.1:port/;AccountKey=…</c> (the emulator's well-known key; the server ignores it).</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"AccountEndpoint={new EndpointReference(this, "https").Property(EndpointProperty.Url)}/;AccountKey={AzureCosmosDBResource.EmulatorKey};");

    /// <summary>True when <paramref name="presented"/> is this server's certificate.</summary>
    public bool IsServerCertificate(X509Certificate2? presented) =>
        presented is not null && Certificate is not null && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData);
}

/// <summary>cosmosdb-server verbs.</summary>
public static class CosmosDbServerExtensions
{
    /// <summary>The package version we install; pinned so every machine runs the same server.</summary>
    public const string Version = "1.0.1";

    internal const string Package = "@vercel/cosmosdb-server";

    /// <summary>Adds a local cosmosdb-server process (run mode only; it has no manifest form).</summary>
    public static IResourceBuilder<CosmosDbServerResource> AddCosmosDbServer(this IDistributedApplicationBuilder builder, string name)
    {
        var server = new CosmosDbServerResource(name);
        return builder.AddResource(server)
            .WithEndpoint("https", "https", transport: "http")
            .WithAnnotation(new LocalLaunchAnnotation(new CosmosDbServerLauncher(server)))
            .WithAnnotation(new HealthCheckAnnotation("cosmosdb-server", ct => ProbeAsync(server, ct)));
    }

    private static async Task<HealthProbeResult> ProbeAsync(CosmosDbServerResource server, CancellationToken ct)
    {
        var url = server.Annotations.OfKind<EndpointAnnotation>().First(e => e.Name == "https").Allocated!.Url;
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => server.IsServerCertificate(cert) };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5), DefaultRequestHeaders = { ConnectionClose = true } };
        using var response = await client.GetAsync(new Uri($"{url}/"), ct).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? HealthProbeResult.Pass("the account answers.")
            : HealthProbeResult.Fail($"the account answered {(int)response.StatusCode}.");
    }
}

/// <summary>Runs the package's CLI with Node on the allocated loopback port.</summary>
internal sealed class CosmosDbServerLauncher(CosmosDbServerResource server) : ILocalLauncher, IPrerequisiteCheck
{
    public string? CheckPrerequisites(ContainerRuntimeMode runtime) =>
        BinaryLocator.Find("node") is not null && BinaryLocator.Find("npm") is not null ? null
        : "node and npm (for cosmosdb-server): sudo apt-get install -y nodejs npm";

    public async Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken)
    {
        var package = await NpmTool.EnsureInstalledAsync(context, CosmosDbServerExtensions.Package, CosmosDbServerExtensions.Version,
            "lib/cli.js", cancellationToken).ConfigureAwait(false);
        server.Certificate ??= X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(package, "cert.pem"), cancellationToken).ConfigureAwait(false));
        var port = server.Annotations.OfKind<EndpointAnnotation>().First(e => e.Name == "https").Allocated!.Port;
        Directory.CreateDirectory(context.DataDirectory);
        return new LaunchSpec(BinaryLocator.Find("node")!,
            [Path.Combine(package, "lib", "cli.js"), "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = context.DataDirectory,
        };
    }
}
