using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// A blob container of an Azure Storage account. The Bicep module creates it in Azure; the emulator gets it when the
/// storage resource becomes ready, so services never have to create it.
/// </summary>
/// <param name="name">The name of the resource.</param>
/// <param name="blobContainerName">The name of the blob container.</param>
/// <param name="parent">The blob service the container belongs to.</param>
public class AzureBlobStorageContainerResource(string name, string blobContainerName, AzureBlobStorageResource parent)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<AzureBlobStorageResource>
{
    /// <summary>Gets the name of the blob container.</summary>
    public string BlobContainerName { get; } = ThrowIfNullOrEmpty(blobContainerName);

    /// <summary>Gets the blob service the container belongs to.</summary>
    public AzureBlobStorageResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>
    /// Gets the connection string expression: the blob service's plus <c>ContainerName=</c>
    /// (<c>Endpoint={storage.outputs.blobEndpoint};ContainerName=name</c> in Azure).
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => Parent.GetConnectionString(BlobContainerName);

    private static string ThrowIfNullOrEmpty(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, nameof(blobContainerName));
        return value;
    }
}
