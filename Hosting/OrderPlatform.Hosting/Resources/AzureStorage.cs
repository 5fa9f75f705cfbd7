using OrderPlatform.Hosting.ApplicationModel;
using OrderPlatform.Hosting.Orchestration;
using OrderPlatform.Hosting.Publishing;

namespace OrderPlatform.Hosting;

/// <summary>
/// An Azure Storage account. Published as an <c>azure.bicep.v0</c> module; run locally by Azurite (npm, pinned),
/// or its image when a container engine answers.
/// </summary>
public sealed class AzureStorageResource(string name) : Resource(name), IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>Azurite's well-known development account (documented by Microsoft; not a secret).</summary>
    internal const string DevAccount = "devstoreaccount1";

    internal const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A Bicep output of the account (published mode).</summary>
    public BicepOutputReference GetOutput(string name) => new(this, name);

    internal ReferenceExpression EmulatorConnectionString(string service)
    {
        var endpoint = new EndpointReference(this, service);
        var key = service switch { "blob" => "BlobEndpoint", "queue" => "QueueEndpoint", _ => "TableEndpoint" };
        return ReferenceExpression.Create(
            $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};{key}={endpoint.Property(EndpointProperty.Url)}/{DevAccount};");
    }
}

/// <summary>A storage service (blobs or queues) of an account.</summary>
public sealed class AzureStorageServiceResource(string name, AzureStorageResource parent, string service, bool isRunMode)
    : Resource(name), IResourceWithParent, IResourceWithConnectionString
{
    /// <summary><c>blob</c> or <c>queue</c>.</summary>
    public string Service { get; } = service;

    /// <inheritdoc cref="IResourceWithParent.Parent" />
    public AzureStorageResource Parent { get; } = parent;

    IResource IResourceWithParent.Parent => Parent;

    /// <summary>Locally Azurite's connection string; in Azure the service endpoint (clients use managed identity).</summary>
    public ReferenceExpression ConnectionStringExpression => isRunMode
        ? Parent.EmulatorConnectionString(Service)
        : ReferenceExpression.Create($"{Parent.GetOutput(Service + "Endpoint")}");
}

/// <summary>Azure Storage verbs.</summary>
public static class AzureStorageExtensions
{
    /// <summary>The Azurite version we install; pinned so every machine runs the same emulator.</summary>
    public const string AzuriteVersion = "3.37.0";

    /// <summary>Adds a storage account (Azurite when running).</summary>
    public static IResourceBuilder<AzureStorageResource> AddAzureStorage(this IDistributedApplicationBuilder builder, string name)
    {
        var storage = new AzureStorageResource(name);
        var rb = builder.AddResource(storage)
            .WithAnnotation(new ManifestPublishingCallbackAnnotation(ctx => AzureBicepModules.WriteStorageAsync(ctx, storage)));
        if (builder.ExecutionContext.IsRunMode)
        {
            rb.WithEndpoint("blob", "http", targetPort: 10000, transport: "http")
              .WithEndpoint("queue", "http", targetPort: 10001, transport: "http")
              .WithEndpoint("table", "http", targetPort: 10002, transport: "http")
              .WithAnnotation(new ContainerImageAnnotation("mcr.microsoft.com", "azure-storage/azurite", AzuriteVersion))
              .WithAnnotation(new LocalLaunchAnnotation(new AzuriteLauncher(storage)))
              .WithAnnotation(new HealthCheckAnnotation("azurite", async ct =>
              {
                  foreach (var service in new[] { "blob", "queue" })
                  {
                      var url = storage.Annotations.OfKind<EndpointAnnotation>().First(e => e.Name == service).Allocated!.Url;
                      // Any HTTP answer (403 without a signature) means the service is listening.
                      using var response = await HealthHttp.Client.GetAsync(new Uri($"{url}/{AzureStorageResource.DevAccount}?comp=list"), ct).ConfigureAwait(false);
                  }
                  return HealthProbeResult.Pass("blob and queue services answer.");
              }));
        }
        return rb;
    }

    /// <summary>The blob service as a connection-string resource.</summary>
    public static IResourceBuilder<AzureStorageServiceResource> AddBlobs(this IResourceBuilder<AzureStorageResource> builder, string name) =>
        builder.ApplicationBuilder.AddResource(new AzureStorageServiceResource(name, builder.Resource, "blob", builder.ApplicationBuilder.ExecutionContext.IsRunMode));

    /// <summary>The queue service as a connection-string resource.</summary>
    public static IResourceBuilder<AzureStorageServiceResource> AddQueues(this IResourceBuilder<AzureStorageResource> builder, string name) =>
        builder.ApplicationBuilder.AddResource(new AzureStorageServiceResource(name, builder.Resource, "queue", builder.ApplicationBuilder.ExecutionContext.IsRunMode));
}

/// <summary>
/// Runs Azurite with Node. The package is installed with npm, once, into a cached tools folder named after the
/// pinned version (a file lock keeps parallel test apps from installing it twice).
/// </summary>
internal sealed class AzuriteLauncher(AzureStorageResource storage) : ILocalLauncher, IPrerequisiteCheck
{
    public string? CheckPrerequisites(ContainerRuntimeMode runtime) =>
        runtime == ContainerRuntimeMode.Containers || (BinaryLocator.Find("node") is not null && BinaryLocator.Find("npm") is not null) ? null
        : "node and npm (for Azurite): sudo apt-get install -y nodejs npm";

    public async Task<LaunchSpec> PrepareAsync(LaunchContext context, CancellationToken cancellationToken)
    {
        if (context.Runtime == ContainerRuntimeMode.Containers)
        {
            return ContainerLaunch.Spec(context, context.Environment,
                ["azurite", "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0", "--skipApiVersionCheck"]);
        }
        var package = await NpmTool.EnsureInstalledAsync(context, "azurite", AzureStorageExtensions.AzuriteVersion,
            Path.Combine("dist", "src", "azurite.js"), cancellationToken).ConfigureAwait(false);
        var script = Path.Combine(package, "dist", "src", "azurite.js");
        var data = Path.Combine(context.DataDirectory, "data");
        Directory.CreateDirectory(data);
        string Port(string name) => storage.Annotations.OfKind<EndpointAnnotation>().First(e => e.Name == name).Allocated!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new LaunchSpec(BinaryLocator.Find("node")!, [script,
            "--blobHost", "127.0.0.1", "--blobPort", Port("blob"),
            "--queueHost", "127.0.0.1", "--queuePort", Port("queue"),
            "--tableHost", "127.0.0.1", "--tablePort", Port("table"),
            "--location", data, "--skipApiVersionCheck", "--disableProductStyleUrl"])
        {
            WorkingDirectory = context.DataDirectory,
            // Azurite closes its servers on SIGINT; on SIGTERM it would sit out the whole grace period.
            StopSignal = Signals.SigInt,
        };
    }
}
