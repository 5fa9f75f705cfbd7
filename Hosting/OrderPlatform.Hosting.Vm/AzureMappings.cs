using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Azure;

namespace Aspire.Hosting.Vm;

/// <summary>
/// Azure Storage on the VM: Azurite with a named account whose key is <c>STORAGE_ACCOUNT_KEY</c> in <c>.env</c> (the
/// well-known development key must not guard production data); connection strings with path-style endpoints
/// <c>http://&lt;service&gt;:10000/&lt;account&gt;</c>.
/// </summary>
internal sealed class AzuriteMapping(string image) : VmServiceMapping
{
    /// <summary>The Azurite account the bundle creates.</summary>
    public const string Account = "orderplatform";

    public const string KeyVariable = "STORAGE_ACCOUNT_KEY";

    private static readonly Dictionary<string, int> Ports = new(StringComparer.Ordinal) { ["blob"] = 10000, ["queue"] = 10001, ["table"] = 10002 };

    public override bool Handles(IResource resource) => resource is AzureStorageResource or AzureBlobStorageResource
        or AzureQueueStorageResource or AzureBlobStorageContainerResource or AzureQueueStorageQueueResource;

    public override ComposeService? Service(IResource resource) => resource is AzureStorageResource storage
        ? new(ComposeValues.ServiceName(storage), image)
        {
            Command = ["azurite", "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0", "--location", "/data",
                "--disableProductStyleUrl", "--skipApiVersionCheck"],
            Environment = new Dictionary<string, string> { ["AZURITE_ACCOUNTS"] = $"{Account}:${{{KeyVariable}}}" },
            Volumes = [$"orderplatform-{ComposeValues.ServiceName(storage)}-data:/data"],
            HealthCheck = ["CMD", "node", "-e", "require('net').connect(10000,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"],
        }
        : null;

    public override string ServiceName(IResource resource) => ComposeValues.ServiceName(AccountOf(resource));

    public override string ConnectionString(IResource resource) => resource switch
    {
        AzureBlobStorageResource blobs => Header + Endpoint("Blob", blobs.Parent),
        AzureQueueStorageResource queues => Header + Endpoint("Queue", queues.Parent),
        // As the emulator's connection strings locally: the service's, which ends with ';', then the name.
        AzureBlobStorageContainerResource container => $"{ConnectionString(container.Parent)}ContainerName={container.BlobContainerName}",
        AzureQueueStorageQueueResource queue => $"{ConnectionString(queue.Parent)}QueueName={queue.QueueName}",
        _ => Header + Endpoint("Blob", resource) + Endpoint("Queue", resource) + Endpoint("Table", resource),
    };

    public override string? Output(IResource resource, string output) => output switch
    {
        "blobEndpoint" or "queueEndpoint" or "tableEndpoint" => Url(output[..^"Endpoint".Length], resource),
        "name" => Account,
        _ => null,
    };

    public override IEnumerable<string> EnvTemplate(IReadOnlyList<IResource> model) =>
        [$"# Azurite account key (secret, generate: openssl rand -base64 64 | tr -d '\\n')\n{KeyVariable}=\n"];

    private static string Header => $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey=${{{KeyVariable}}};";

    private static string Endpoint(string service, IResource resource) => $"{service}Endpoint={Url(service.ToLowerInvariant(), resource)};";

    private static string Url(string service, IResource resource) => $"http://{ComposeValues.ServiceName(AccountOf(resource))}:{Ports[service]}/{Account}";

    private static IResource AccountOf(IResource resource) => resource is IResourceWithParent child ? AccountOf(child.Parent) : resource;
}

/// <summary>
/// Cosmos DB is not part of the VM bundle: its connection strings are empty, which makes the services keep cases in
/// Postgres (the same fallback as a local run, where references to the account set no variable).
/// </summary>
internal sealed class CosmosAbsentMapping : VmServiceMapping
{
    public override bool Handles(IResource resource) => resource is AzureCosmosDBResource or AzureCosmosDBDatabaseResource;

    public override string? ServiceName(IResource resource) => null;

    public override string ConnectionString(IResource resource) => "";

    public override string? Output(IResource resource, string output) => "";
}
