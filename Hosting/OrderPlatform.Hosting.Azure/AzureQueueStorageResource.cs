using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// The queue service of an Azure Storage account, as a connection string: the emulator's connection string locally,
/// the service endpoint (<c>{storage.outputs.queueEndpoint}</c>) in Azure, where clients use managed identity.
/// </summary>
/// <param name="name">The name of the resource.</param>
/// <param name="storage">The storage account.</param>
public class AzureQueueStorageResource(string name, AzureStorageResource storage)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<AzureStorageResource>
{
    /// <summary>Gets the storage account.</summary>
    public AzureStorageResource Parent { get; } = storage ?? throw new ArgumentNullException(nameof(storage));

    /// <summary>Gets the queue service URI: the emulator's endpoint, or <c>{queueEndpoint}</c> in Azure.</summary>
    public ReferenceExpression UriExpression => Parent.QueueUriExpression;

    /// <summary>Gets the connection string expression of the queue service.</summary>
    public ReferenceExpression ConnectionStringExpression => Parent.GetQueueConnectionString();

    internal ReferenceExpression GetConnectionString(string queueName)
    {
        var builder = new ReferenceExpressionBuilder();
        if (Parent.IsEmulator)
        {
            // The emulator's connection string already ends with ';'.
            builder.Append($"{ConnectionStringExpression}QueueName={queueName}");
        }
        else
        {
            builder.Append($"Endpoint={ConnectionStringExpression};QueueName={queueName}");
        }
        return builder.Build();
    }
}
