using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;
using OrderPlatform.Hosting.Publishing;

namespace OrderPlatform.Hosting;

/// <summary>
/// An Azure Cosmos DB account. Published as an <c>azure.bicep.v0</c> module (serverless, Entra-only, with a
/// <c>{name}-roles</c> module). At run time it exists only when a container engine answers, as the emulator image;
/// otherwise it is <b>absent</b>: no process, state Active, and its connection string (and its databases') resolve
/// to an empty string, which services take as "no Cosmos: keep cases in Postgres".
/// </summary>
public sealed class AzureCosmosDBResource(string name, DistributedApplicationExecutionContext executionContext)
    : Resource(name), IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The emulator's well-known account key (published by Microsoft for the emulator; not a secret).</summary>
    internal const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    /// <summary>True when the run uses the emulator container; false when Cosmos is absent locally.</summary>
    public bool IsEmulator { get; internal set; }

    /// <summary>Database names, in the order they were added (the Bicep module creates them).</summary>
    public List<string> DatabaseNames { get; } = [];

    /// <summary>Publish: the account endpoint (clients use managed identity); run: the emulator's, or empty when absent.</summary>
    public ReferenceExpression ConnectionStringExpression => executionContext.IsPublishMode
        ? ReferenceExpression.Create($"{new BicepOutputReference(this, "connectionString")}")
        : IsEmulator
            ? ReferenceExpression.Create($"AccountEndpoint={new EndpointReference(this, "emulator").Property(EndpointProperty.Url)}/;AccountKey={EmulatorKey};")
            : ReferenceExpression.Literal("");
}

/// <summary>A database of a Cosmos DB account.</summary>
public sealed class AzureCosmosDBDatabaseResource(string name, string databaseName, AzureCosmosDBResource parent, DistributedApplicationExecutionContext executionContext)
    : Resource(name), IResourceWithParent, IResourceWithConnectionString
{
    /// <summary>Database name in the account.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <inheritdoc cref="IResourceWithParent.Parent" />
    public AzureCosmosDBResource Parent { get; } = parent;

    IResource IResourceWithParent.Parent => Parent;

    /// <summary><c>AccountEndpoint=…;Database=…</c>; empty when the account is absent locally.</summary>
    public ReferenceExpression ConnectionStringExpression => executionContext.IsPublishMode
        ? ReferenceExpression.Create($"AccountEndpoint={new BicepOutputReference(Parent, "connectionString")};Database={DatabaseName}")
        : Parent.IsEmulator ? ReferenceExpression.Create($"{Parent}Database={DatabaseName}") : ReferenceExpression.Literal("");
}

/// <summary>Cosmos DB verbs.</summary>
public static class AzureCosmosDBExtensions
{
    /// <summary>The emulator image used when a container engine answers.</summary>
    public const string EmulatorImage = "cosmosdb/linux/azure-cosmos-emulator";

    /// <summary>Adds a Cosmos DB account (emulator when a container engine answers, otherwise absent at run time).</summary>
    public static IResourceBuilder<AzureCosmosDBResource> AddAzureCosmosDB(this IDistributedApplicationBuilder builder, string name)
    {
        var cosmos = new AzureCosmosDBResource(name, builder.ExecutionContext);
        var rb = builder.AddResource(cosmos)
            .WithAnnotation(new ManifestPublishingCallbackAnnotation(ctx => AzureBicepModules.WriteCosmosAsync(ctx, cosmos, cosmos.DatabaseNames)));
        if (builder.ExecutionContext.IsRunMode && EngineAnswers(builder.Options.Runtime))
        {
            cosmos.IsEmulator = true;
            // The vnext emulator serves plain http, so clients need no trust for a self-signed certificate.
            rb.WithEndpoint("emulator", "http", targetPort: 8081)
              .WithAnnotation(new ContainerImageAnnotation("mcr.microsoft.com", EmulatorImage, "vnext-preview"))
              .WithAnnotation(new LocalLaunchAnnotation(new ContainerOnlyLauncher()));
        }
        return rb;
    }

    /// <summary>Adds a database (created by the Bicep module in Azure, by the service on first use against the emulator).</summary>
    public static IResourceBuilder<AzureCosmosDBDatabaseResource> AddCosmosDatabase(this IResourceBuilder<AzureCosmosDBResource> builder, string name, string? databaseName = null)
    {
        var db = new AzureCosmosDBDatabaseResource(name, databaseName ?? name, builder.Resource, builder.ApplicationBuilder.ExecutionContext);
        builder.Resource.DatabaseNames.Add(db.DatabaseName);
        return builder.ApplicationBuilder.AddResource(db);
    }

    private static bool EngineAnswers(string runtime)
    {
        if (runtime == "local")
        {
            return false;
        }
        try
        {
            return ContainerEngine.ResolveAsync(runtime, CancellationToken.None).GetAwaiter().GetResult() == ContainerRuntimeMode.Containers;
        }
        catch (DistributedApplicationException)
        {
            return false;
        }
    }

    private sealed class ContainerOnlyLauncher : ILocalLauncher
    {
        public Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken) =>
            Task.FromResult(ContainerLaunch.Spec(context, context.Environment, context.Args));
    }
}
