using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>A database of an Azure Cosmos DB account, created by the account's Bicep module.</summary>
/// <param name="name">The name of the resource.</param>
/// <param name="databaseName">The name of the database.</param>
/// <param name="parent">The Cosmos DB account.</param>
public class AzureCosmosDBDatabaseResource(string name, string databaseName, AzureCosmosDBResource parent)
    : Resource(name), IResourceWithParent<AzureCosmosDBResource>, IResourceWithConnectionString
{
    /// <summary>Gets or sets the name of the database.</summary>
    public string DatabaseName { get; set; } = ThrowIfNullOrEmpty(databaseName);

    /// <summary>Gets the Cosmos DB account.</summary>
    public AzureCosmosDBResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>Gets the connection string expression, <c>AccountEndpoint={cosmos.outputs.connectionString};Database=name</c>.</summary>
    public ReferenceExpression ConnectionStringExpression => Parent.GetChildConnectionString(DatabaseName);

    private static string ThrowIfNullOrEmpty(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, nameof(databaseName));
        return value;
    }
}
