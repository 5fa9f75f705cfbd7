using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Azure;

/// <summary>A database of an Azure Cosmos DB account, created by the account's Bicep module.</summary>
public class AzureCosmosDBDatabaseResource(string name, string databaseName, AzureCosmosDBResource parent)
    : Resource(name), IResourceWithParent<AzureCosmosDBResource>, IResourceWithConnectionString
{
    /// <summary>Gets the name of the database.</summary>
    public string DatabaseName { get; } = string.IsNullOrEmpty(databaseName) ? throw new ArgumentException("A name is required.", nameof(databaseName)) : databaseName;

    /// <summary>Gets the Cosmos DB account.</summary>
    public AzureCosmosDBResource Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>Gets the connection string expression, <c>AccountEndpoint={cosmos.outputs.connectionString};Database=name</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"AccountEndpoint={Parent.ConnectionStringOutput};Database={DatabaseName}");
}
