using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// The blob service of an Azure Storage account, as a connection string: the emulator's connection string locally,
/// the service endpoint (<c>{storage.outputs.blobEndpoint}</c>) in Azure, where clients use managed identity.
/// </summary>
/// <param name="name">The name of the resource.</param>
/// <param name="storage">The storage account.</param>
public class AzureBlobStorageResource(string name, AzureStorageResource storage)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<AzureStorageResource>
{
    /// <summary>Gets the storage account.</summary>
    public AzureStorageResource Parent { get; } = storage ?? throw new ArgumentNullException(nameof(storage));

    /// <summary>Gets the blob service URI: the emulator's endpoint, or <c>{blobEndpoint}</c> in Azure.</summary>
    public ReferenceExpression UriExpression => Parent.BlobUriExpression;

    /// <summary>Gets the connection string expression of the blob service.</summary>
    public ReferenceExpression ConnectionStringExpression => Parent.GetBlobConnectionString();

    internal ReferenceExpression GetConnectionString(string blobContainerName)
    {
        var builder = new ReferenceExpressionBuilder();
        if (Parent.IsEmulator)
        {
            // The emulator's connection string already ends with ';'.
            builder.Append($"{ConnectionStringExpression}ContainerName={blobContainerName}");
        }
        else
        {
            builder.Append($"Endpoint={ConnectionStringExpression};ContainerName={blobContainerName}");
        }
        return builder.Build();
    }
}
