using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Azure;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>
/// Adds Azure Storage to the application model, with the names and shapes of the official
/// <c>Aspire.Hosting.Azure.Storage</c> package: <see cref="AddAzureStorage"/>, <see cref="RunAsEmulator"/>,
/// <see cref="AddBlobs"/>, <see cref="AddQueues"/>, <see cref="AddBlobContainer"/> and <see cref="AddQueue"/>.
/// </summary>
public static class AzureStorageExtensions
{
    /// <summary>
    /// Adds an Azure Storage account. Published as an <c>azure.bicep.v0</c> module (<c>{name}.module.bicep</c>,
    /// outputs <c>blobEndpoint</c>, <c>queueEndpoint</c>, <c>tableEndpoint</c>, <c>name</c>) followed by a
    /// <c>{name}-roles</c> module that grants the app's identity blob, queue and table data contributor.
    /// </summary>
    public static IResourceBuilder<AzureStorageResource> AddAzureStorage(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var storage = new AzureStorageResource(name);
        var resourceBuilder = builder.AddResource(storage)
            .WithManifestPublishingCallback(context => AzureBicepManifest.WriteAsync(context, storage, AzureStorageBicep.Module(storage)));
        if (builder.ExecutionContext.IsPublishMode)
        {
            AzureRoleAssignmentsResource.Add(builder, storage, () => AzureStorageBicep.RolesModule(name),
            [
                new($"{BicepText.Identifier(name)}_outputs_name", storage.NameOutputReference),
                new("principalType", ""),
                new("principalId", ""),
            ]);
        }
        return resourceBuilder;
    }

    /// <summary>
    /// Runs the account in the Azurite emulator when the AppHost runs; publishing is unchanged. Adds the
    /// <c>blob</c>, <c>queue</c> and <c>table</c> HTTP endpoints (target ports 10000, 10001, 10002), Azurite's container
    /// image, a <c>{name}_check</c> health check, and creates the declared blob containers and queues once the
    /// account is ready. Connection strings become the emulator's (account <c>devstoreaccount1</c>).
    /// </summary>
    public static IResourceBuilder<AzureStorageResource> RunAsEmulator(this IResourceBuilder<AzureStorageResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        var healthCheckKey = $"{builder.Resource.Name}_check";
        var emulator = new AzuriteEmulator(builder.Resource);
        builder.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, emulator.CheckHealthAsync);

        return builder
            .WithAnnotation(new EmulatorResourceAnnotation())
            .WithHttpEndpoint(name: "blob", targetPort: 10000)
            .WithHttpEndpoint(name: "queue", targetPort: 10001)
            .WithHttpEndpoint(name: "table", targetPort: 10002)
            // The version the local fallback installs from npm (AzuriteLauncher.Version).
            .WithAnnotation(new ContainerImageAnnotation { Registry = "mcr.microsoft.com", Image = "azure-storage/azurite", Tag = "3.37.0" })
            // The image's default command, plus path-style URLs and no API version check (newer SDKs ask for newer
            // versions than the emulator knows).
            .WithAnnotation(new CommandLineArgsCallbackAnnotation(args =>
            {
                foreach (var arg in (string[])["azurite", "-l", "/data", "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0",
                    "--tableHost", "0.0.0.0", "--disableProductStyleUrl", "--skipApiVersionCheck"])
                {
                    args.Add(arg);
                }
            }))
            .WithHealthCheck(healthCheckKey)
            .OnResourceReady((_, _, cancellationToken) => emulator.CreateDeclaredAsync(cancellationToken));
    }

    /// <summary>
    /// Adds the blob service as a connection-string resource: the emulator's connection string locally,
    /// <c>{storage.outputs.blobEndpoint}</c> in Azure (published as <c>value.v0</c>).
    /// </summary>
    public static IResourceBuilder<AzureBlobStorageResource> AddBlobs(this IResourceBuilder<AzureStorageResource> builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var service = builder.ApplicationBuilder.AddResource(new AzureBlobStorageResource(name, builder.Resource));
        builder.Resource.ImplicitBlobService ??= service;
        return service;
    }

    /// <summary>
    /// Adds the queue service as a connection-string resource: the emulator's connection string locally,
    /// <c>{storage.outputs.queueEndpoint}</c> in Azure (published as <c>value.v0</c>).
    /// </summary>
    public static IResourceBuilder<AzureQueueStorageResource> AddQueues(this IResourceBuilder<AzureStorageResource> builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var service = builder.ApplicationBuilder.AddResource(new AzureQueueStorageResource(name, builder.Resource));
        builder.Resource.ImplicitQueueService ??= service;
        return service;
    }

    /// <summary>
    /// Declares a blob container: the Bicep module creates it in Azure, and the emulator gets it when the account is
    /// ready. It belongs to the first blob service added (<c>{storage}-blobs</c> is added if there is none yet).
    /// <paramref name="blobContainerName"/> defaults to <paramref name="name"/>.
    /// </summary>
    public static IResourceBuilder<AzureBlobStorageContainerResource> AddBlobContainer(this IResourceBuilder<AzureStorageResource> builder, [ResourceName] string name, string? blobContainerName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var blobs = builder.Resource.ImplicitBlobService ?? builder.AddBlobs($"{builder.Resource.Name}-blobs");
        var container = new AzureBlobStorageContainerResource(name, blobContainerName ?? name, blobs.Resource);
        builder.Resource.BlobContainers.Add(container);
        return builder.ApplicationBuilder.AddResource(container);
    }

    /// <summary>
    /// Declares a queue: the Bicep module creates it in Azure, and the emulator gets it when the account is ready.
    /// It belongs to the first queue service added (<c>{storage}-queues</c> is added if there is none yet).
    /// <paramref name="queueName"/> defaults to <paramref name="name"/>.
    /// </summary>
    public static IResourceBuilder<AzureQueueStorageQueueResource> AddQueue(this IResourceBuilder<AzureStorageResource> builder, [ResourceName] string name, string? queueName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var queues = builder.Resource.ImplicitQueueService ?? builder.AddQueues($"{builder.Resource.Name}-queues");
        var queue = new AzureQueueStorageQueueResource(name, queueName ?? name, queues.Resource);
        builder.Resource.Queues.Add(queue);
        return builder.ApplicationBuilder.AddResource(queue);
    }
}
