using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>
/// A queue of an Azure Storage account. The Bicep module creates it in Azure; the emulator gets it when the storage
/// resource becomes ready, so services never have to create it.
/// </summary>
/// <param name="name">The name of the resource.</param>
/// <param name="queueName">The name of the queue.</param>
/// <param name="parent">The queue service the queue belongs to.</param>
public class AzureQueueStorageQueueResource(string name, string queueName, AzureQueueStorageResource parent)
    : Resource(name), IResourceWithConnectionString, IResourceWithParent<AzureQueueStorageResource>
{
    /// <summary>Gets the name of the queue.</summary>
    public string QueueName { get; } = ThrowIfNullOrEmpty(queueName);

    /// <summary>Gets the queue service the queue belongs to.</summary>
    public AzureQueueStorageResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>
    /// Gets the connection string expression: the queue service's plus <c>QueueName=</c>
    /// (<c>Endpoint={storage.outputs.queueEndpoint};QueueName=name</c> in Azure).
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => Parent.GetConnectionString(QueueName);

    private static string ThrowIfNullOrEmpty(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, nameof(queueName));
        return value;
    }
}
