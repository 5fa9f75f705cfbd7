using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// An Azure Storage account. Published as an <c>azure.bicep.v0</c> module; run locally by the Azurite emulator once
/// <c>RunAsEmulator</c> is called.
/// </summary>
public class AzureStorageResource(string name) : Resource(name), IResourceWithEndpoints, IResourceWithWaitSupport
{
    internal IResourceBuilder<AzureBlobStorageResource>? ImplicitBlobService { get; set; }

    internal IResourceBuilder<AzureQueueStorageResource>? ImplicitQueueService { get; set; }

    internal List<AzureBlobStorageContainerResource> BlobContainers { get; } = [];

    internal List<AzureQueueStorageQueueResource> Queues { get; } = [];

    /// <summary>Gets the <c>blobEndpoint</c> output of the Bicep module.</summary>
    public BicepOutputReference BlobEndpoint => new("blobEndpoint", this);

    /// <summary>Gets the <c>queueEndpoint</c> output of the Bicep module.</summary>
    public BicepOutputReference QueueEndpoint => new("queueEndpoint", this);

    /// <summary>Gets the <c>tableEndpoint</c> output of the Bicep module.</summary>
    public BicepOutputReference TableEndpoint => new("tableEndpoint", this);

    /// <summary>Gets the <c>name</c> output of the Bicep module (the account name, used by the role assignments).</summary>
    public BicepOutputReference NameOutputReference => new("name", this);

    /// <summary>
    /// Gets a value indicating whether the account runs in the local emulator (run mode after <c>RunAsEmulator</c>).
    /// Marked by an <see cref="EmulatorResourceAnnotation"/>, not by the container image, so the connection strings stay
    /// the emulator's when something other than a container engine runs Azurite.
    /// </summary>
    public bool IsEmulator => this.HasAnnotationOfType<EmulatorResourceAnnotation>();
}
