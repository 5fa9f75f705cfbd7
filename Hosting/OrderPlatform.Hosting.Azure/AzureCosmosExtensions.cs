using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Azure;

namespace Aspire.Hosting;

/// <summary>
/// Adds Azure Cosmos DB to the application model, with the names and shapes of the official
/// <c>Aspire.Hosting.Azure.CosmosDB</c> package: <see cref="AddAzureCosmosDB"/> and <see cref="AddCosmosDatabase"/>.
/// </summary>
public static class AzureCosmosExtensions
{
    /// <summary>
    /// Adds a Cosmos DB account. Published as an <c>azure.bicep.v0</c> module (<c>{name}.module.bicep</c>, outputs
    /// <c>connectionString</c> and <c>name</c>) followed by a <c>{name}-roles</c> module that grants the app's identity
    /// the account's built-in data contributor role. When the AppHost runs, the account is not used: it shows as
    /// running, and <c>WithReference</c> to it or to its databases sets no environment variable.
    /// </summary>
    public static IResourceBuilder<AzureCosmosDBResource> AddAzureCosmosDB(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var cosmos = new AzureCosmosDBResource(name);
        var resourceBuilder = builder.AddResource(cosmos).WithManifestPublishingCallback(context =>
            AzureBicepManifest.WriteAsync(context, cosmos, AzureCosmosDBBicep.Module(name, cosmos.Databases.Select(d => d.DatabaseName))));
        if (builder.ExecutionContext.IsPublishMode)
        {
            AzureRoleAssignmentsResource.Add(builder, cosmos, () => AzureCosmosDBBicep.RolesModule(name),
            [
                new($"{BicepText.Identifier(name)}_outputs_name", cosmos.NameOutputReference),
                new("principalId", ""),
            ]);
        }
        else
        {
            NotUsedLocally.Apply(resourceBuilder);
        }
        return resourceBuilder;
    }

    /// <summary>
    /// Adds a database to the account: the Bicep module creates it; its connection string is
    /// <c>AccountEndpoint={cosmos.outputs.connectionString};Database=name</c> (published as <c>value.v0</c>). <paramref name="databaseName"/> defaults to <paramref name="name"/>.
    /// </summary>
    public static IResourceBuilder<AzureCosmosDBDatabaseResource> AddCosmosDatabase(this IResourceBuilder<AzureCosmosDBResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var database = new AzureCosmosDBDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.Databases.Add(database);
        var databaseBuilder = builder.ApplicationBuilder.AddResource(database);
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            NotUsedLocally.MarkRunning(databaseBuilder);
        }
        return databaseBuilder;
    }
}
