using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Azure;

// The official package declares this type in Aspire.Hosting (its database type in Aspire.Hosting.Azure); so do we.
namespace Aspire.Hosting;

/// <summary>
/// An Azure Cosmos DB account. Published as an <c>azure.bicep.v0</c> module (serverless, Entra-only) with its
/// databases, followed by a <c>{name}-roles</c> module. It has no local counterpart: when the AppHost runs, the account
/// shows as running but is not used, and services that reference it get no connection string.
/// </summary>
public class AzureCosmosDBResource(string name) : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    internal List<AzureCosmosDBDatabaseResource> Databases { get; } = [];

    /// <summary>Gets the <c>connectionString</c> output of the Bicep module: the account's document endpoint.</summary>
    public BicepOutputReference ConnectionStringOutput => new("connectionString", this);

    /// <summary>Gets the <c>name</c> output of the Bicep module (the account name, used by the role assignments).</summary>
    public BicepOutputReference NameOutputReference => new("name", this);

    /// <summary>Gets the connection string expression, <c>{cosmos.outputs.connectionString}</c> (clients use managed identity).</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{ConnectionStringOutput}");
}
