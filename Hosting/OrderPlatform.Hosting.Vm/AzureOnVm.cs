using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Azure;

namespace Aspire.Hosting.Vm;

/// <summary>
/// How the Azure resources (published as Bicep, no container in the app model) appear on the VM. Azure Storage is
/// Azurite with a named account whose key is <c>STORAGE_ACCOUNT_KEY</c> in <c>.env</c> (the well-known development key
/// must not guard production data), with path-style endpoints <c>http://&lt;service&gt;:10000/&lt;account&gt;</c>.
/// Cosmos DB is not part of the bundle: its connection strings are empty, which makes the services keep cases in
/// Postgres (the same fallback as a local run, where references to the account set no variable).
/// </summary>
internal sealed class AzureOnVm(string azuriteImage)
{
    /// <summary>The Azurite account the bundle creates.</summary>
    public const string Account = "orderplatform";

    public const string KeyVariable = "STORAGE_ACCOUNT_KEY";

    private static readonly Dictionary<string, int> Ports = new(StringComparer.Ordinal) { ["blob"] = 10000, ["queue"] = 10001, ["table"] = 10002 };

    /// <summary>Whether the resource (an account or one of its children) is an Azure one.</summary>
    public static bool Handles(IResource resource) => IsStorage(resource) || IsCosmos(resource);

    /// <summary>The compose service that stands in for the resource (the storage account's Azurite), or null.</summary>
    public ComposeService? Service(IResource resource) => resource is AzureStorageResource storage
        ? new(ComposeValues.ServiceName(storage), azuriteImage)
        {
            Command = ["azurite", "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0", "--location", "/data",
                "--disableProductStyleUrl", "--skipApiVersionCheck"],
            Environment = new Dictionary<string, string> { ["AZURITE_ACCOUNTS"] = $"{Account}:${{{KeyVariable}}}" },
            Volumes = [$"orderplatform-{ComposeValues.ServiceName(storage)}-data:/data"],
            HealthCheck = ["CMD", "node", "-e", "require('net').connect(10000,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"],
        }
        : null;

    /// <summary>The compose service a dependent waits for (null: nothing runs on the VM).</summary>
    public static string? ServiceName(IResource resource) => IsStorage(resource) ? ComposeValues.ServiceName(AccountOf(resource)) : null;

    /// <summary>The resource's connection string as compose text.</summary>
    public static string ConnectionString(IResource resource) => resource switch
    {
        _ when IsCosmos(resource) => "",
        AzureBlobStorageResource blobs => Header + Endpoint("Blob", blobs.Parent),
        AzureQueueStorageResource queues => Header + Endpoint("Queue", queues.Parent),
        // As the emulator's connection strings locally: the service's, which ends with ';', then the name.
        AzureBlobStorageContainerResource container => $"{ConnectionString(container.Parent)}ContainerName={container.BlobContainerName}",
        AzureQueueStorageQueueResource queue => $"{ConnectionString(queue.Parent)}QueueName={queue.QueueName}",
        _ => Header + Endpoint("Blob", resource) + Endpoint("Queue", resource) + Endpoint("Table", resource),
    };

    /// <summary>The compose text standing for an output of the resource's Bicep module, or null if it has none on the VM.</summary>
    public static string? Output(IResource resource, string output) => IsCosmos(resource) ? "" : output switch
    {
        "blobEndpoint" or "queueEndpoint" or "tableEndpoint" => Url(output[..^"Endpoint".Length], resource),
        "name" => Account,
        _ => null,
    };

    /// <summary><c>.env.template</c> entries (a comment line, then <c>NAME=</c>) for the model's Azure resources.</summary>
    public static IEnumerable<string> EnvTemplate(IReadOnlyList<IResource> model) => model.Any(IsStorage)
        ? [$"# Azurite account key (secret, generate: openssl rand -base64 64 | tr -d '\\n')\n{KeyVariable}=\n"]
        : [];

    private static bool IsStorage(IResource resource) => resource is AzureStorageResource or AzureStorageServiceResource
        or AzureBlobStorageContainerResource or AzureQueueStorageQueueResource;

    private static bool IsCosmos(IResource resource) => resource is AzureCosmosDBResource or AzureCosmosDBDatabaseResource;

    private static string Header => $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey=${{{KeyVariable}}};";

    private static string Endpoint(string service, IResource resource) => $"{service}Endpoint={Url(service.ToLowerInvariant(), resource)};";

    private static string Url(string service, IResource resource) => $"http://{ComposeValues.ServiceName(AccountOf(resource))}:{Ports[service]}/{Account}";

    private static IResource AccountOf(IResource resource) => resource is IResourceWithParent child ? AccountOf(child.Parent) : resource;
}
