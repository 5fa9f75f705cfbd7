using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// A service of an Azure Storage account (blob or queue) as a connection string: the emulator's connection string
/// locally, the service endpoint (<c>{storage.outputs.blobEndpoint}</c>, ...) in Azure, where clients use managed identity.
/// <paramref name="service"/> (<c>blob</c> or <c>queue</c>) names its emulator endpoint and prefixes its Bicep output.
/// </summary>
public abstract class AzureStorageServiceResource(string name, AzureStorageResource storage, string service)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<AzureStorageResource>
{
    /// <summary>Gets the storage account.</summary>
    public AzureStorageResource Parent { get; } = storage ?? throw new ArgumentNullException(nameof(storage));

    private EndpointReference Emulator => new(Parent, service);

    private BicepOutputReference Output => new($"{service}Endpoint", Parent);

    /// <summary>Gets the service URI: the emulator's endpoint, or the Bicep module's output in Azure.</summary>
    public ReferenceExpression UriExpression => Parent.IsEmulator
        ? ReferenceExpression.Create($"{Emulator.Property(EndpointProperty.Url)}")
        : ReferenceExpression.Create($"{Output}");

    /// <summary>Gets the connection string expression of the service.</summary>
    public ReferenceExpression ConnectionStringExpression => Parent.IsEmulator
        ? AzureStorageEmulatorConnectionString.Create(service, Emulator)
        : ReferenceExpression.Create($"{Output}");

    // The emulator's connection string already ends with ';'; in Azure it is the bare endpoint.
    internal ReferenceExpression ChildConnectionString(string key, string value) => Parent.IsEmulator
        ? ReferenceExpression.Create($"{ConnectionStringExpression}{key}={value}")
        : ReferenceExpression.Create($"Endpoint={ConnectionStringExpression};{key}={value}");
}

/// <summary>The blob service of an Azure Storage account.</summary>
public class AzureBlobStorageResource(string name, AzureStorageResource storage) : AzureStorageServiceResource(name, storage, "blob");

/// <summary>The queue service of an Azure Storage account.</summary>
public class AzureQueueStorageResource(string name, AzureStorageResource storage) : AzureStorageServiceResource(name, storage, "queue");

/// <summary>
/// A blob container or queue of a storage service. The Bicep module creates it in Azure; the emulator gets it when the
/// storage resource becomes ready, so services never have to create it. Its connection string is the service's plus
/// <paramref name="key"/> (<c>ContainerName=</c> or <c>QueueName=</c>; <c>Endpoint={storage.outputs.queueEndpoint};QueueName=name</c> in Azure).
/// </summary>
public abstract class AzureStorageItemResource<TParent>(string name, string itemName, TParent parent, string key)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<TParent>
    where TParent : AzureStorageServiceResource
{
    /// <summary>Gets the service the item belongs to.</summary>
    public TParent Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    internal string ItemName { get; } = string.IsNullOrEmpty(itemName) ? throw new ArgumentException("A name is required.", nameof(itemName)) : itemName;

    /// <summary>Gets the connection string expression.</summary>
    public ReferenceExpression ConnectionStringExpression => Parent.ChildConnectionString(key, ItemName);
}

/// <summary>A blob container of an Azure Storage account.</summary>
public class AzureBlobStorageContainerResource(string name, string blobContainerName, AzureBlobStorageResource parent)
    : AzureStorageItemResource<AzureBlobStorageResource>(name, blobContainerName, parent, "ContainerName")
{
    /// <summary>Gets the name of the blob container.</summary>
    public string BlobContainerName => ItemName;
}

/// <summary>A queue of an Azure Storage account.</summary>
public class AzureQueueStorageQueueResource(string name, string queueName, AzureQueueStorageResource parent)
    : AzureStorageItemResource<AzureQueueStorageResource>(name, queueName, parent, "QueueName")
{
    /// <summary>Gets the name of the queue.</summary>
    public string QueueName => ItemName;
}
