using static Aspire.Hosting.Azure.BicepText;

namespace Aspire.Hosting.Azure;

/// <summary>
/// The storage account module (shared keys off: clients use managed identity) with the declared blob containers and
/// queues, and its <c>{name}-roles</c> module (blob and queue data contributor; nothing here uses tables).
/// </summary>
internal static class AzureStorageBicep
{
    public static string Module(AzureStorageResource storage)
    {
        var id = Identifier(storage.Name);
        return BicepText.Module([LocationParam, Account(storage.Name, id), BlobService(id),
            .. storage.BlobContainers.Select(c => BlobContainer(c.Name, c.BlobContainerName)),
            .. storage.Queues.Count == 0 ? Array.Empty<string>() : [QueueService(id), .. storage.Queues.Select(q => Queue(q.Name, q.QueueName))],
            $"output blobEndpoint string = {id}.properties.primaryEndpoints.blob",
            $"output queueEndpoint string = {id}.properties.primaryEndpoints.queue",
            $"output tableEndpoint string = {id}.properties.primaryEndpoints.table",
            $"output name string = {id}.name"]);
    }

    public static string RolesModule(string name)
    {
        var id = Identifier(name);
        return BicepText.Module([UnusedLocationParam, OutputsNameParam(id), "param principalType string", "param principalId string",
            $$"""
            resource {{id}} 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
              name: {{id}}_outputs_name
            }
            """,
            RoleAssignment(id, "StorageBlobDataContributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
            RoleAssignment(id, "StorageQueueDataContributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88")]);
    }

    private static string Account(string name, string id) => $$"""
        resource {{id}} 'Microsoft.Storage/storageAccounts@2024-01-01' = {
          name: take('{{Alphanumeric(name)}}${uniqueString(resourceGroup().id)}', 24)
          kind: 'StorageV2'
          location: location
          sku: {
            name: 'Standard_GRS'
          }
          properties: {
            accessTier: 'Hot'
            allowBlobPublicAccess: false
            allowSharedKeyAccess: false
            minimumTlsVersion: 'TLS1_2'
            networkAcls: {
              defaultAction: 'Allow'
            }
          }
          tags: {
            'aspire-resource-name': '{{name}}'
          }
        }
        """;

    private static string BlobService(string id) => $$"""
        resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
          name: 'default'
          parent: {{id}}
        }
        """;

    private static string BlobContainer(string resourceName, string containerName) => $$"""
        resource blobs_{{Identifier(resourceName)}} 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
          name: '{{containerName}}'
          parent: blobs
        }
        """;

    private static string QueueService(string id) => $$"""
        resource queues 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
          name: 'default'
          parent: {{id}}
        }
        """;

    private static string Queue(string resourceName, string queueName) => $$"""
        resource queues_{{Identifier(resourceName)}} 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = {
          name: '{{queueName}}'
          parent: queues
        }
        """;
}
