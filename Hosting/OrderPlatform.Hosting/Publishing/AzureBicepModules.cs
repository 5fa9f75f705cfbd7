using OrderPlatform.Hosting.ApplicationModel;

namespace OrderPlatform.Hosting.Publishing;

/// <summary>
/// The <c>azure.bicep.v0</c> entries and module text of the Azure resource kinds, in Aspire's shape: the resource
/// module takes only <c>location</c> and exposes outputs; a separate <c>{name}-roles</c> module grants the
/// identity azd creates (<c>principalId</c>/<c>principalType</c> left empty for azd to fill) data-plane roles.
/// Every module compiles with the Bicep CLI without linter warnings (checked by the publishing tests).
/// </summary>
public static class AzureBicepModules
{
    // azd passes `location` to every module it deploys; role modules have no use for it.
    private const string LocationParam = """
        @description('The location for the resource(s) to be deployed.')
        param location string = resourceGroup().location

        """;

    private const string UnusedLocationParam = """
        @description('The location for the resource(s) to be deployed; azd passes it to every module.')
        #disable-next-line no-unused-params
        param location string = resourceGroup().location

        """;

    /// <summary>Storage account (<c>storage</c>) followed by <c>storage-roles</c>.</summary>
    public static async Task WriteStorageAsync(ManifestPublishingContext context, IResource storage)
    {
        await context.WriteBicepModuleAsync(storage.Name, StorageModule(storage.Name)).ConfigureAwait(false);
        context.WriteFollowingResource($"{storage.Name}-roles", c => c.WriteBicepModuleAsync($"{storage.Name}-roles", StorageRolesModule(storage.Name), parameters:
        [
            new($"{Identifier(storage.Name)}_outputs_name", new BicepOutputReference(storage, "name")),
            new("principalType", ""),
            new("principalId", ""),
        ]));
    }

    /// <summary>Cosmos DB account with its databases, followed by <c>{name}-roles</c>.</summary>
    public static async Task WriteCosmosAsync(ManifestPublishingContext context, IResourceWithConnectionString cosmos, IEnumerable<string> databases)
    {
        await context.WriteBicepModuleAsync(cosmos.Name, CosmosModule(cosmos.Name, databases), new BicepOutputReference(cosmos, "connectionString")).ConfigureAwait(false);
        context.WriteFollowingResource($"{cosmos.Name}-roles", c => c.WriteBicepModuleAsync($"{cosmos.Name}-roles", CosmosRolesModule(cosmos.Name), parameters:
        [
            new($"{Identifier(cosmos.Name)}_outputs_name", new BicepOutputReference(cosmos, "name")),
            new("principalId", ""),
        ]));
    }

    /// <summary>Key Vault (RBAC only), followed by <c>{name}-roles</c>.</summary>
    public static async Task WriteKeyVaultAsync(ManifestPublishingContext context, IResourceWithConnectionString vault)
    {
        await context.WriteBicepModuleAsync(vault.Name, KeyVaultModule(vault.Name), new BicepOutputReference(vault, "vaultUri")).ConfigureAwait(false);
        context.WriteFollowingResource($"{vault.Name}-roles", c => c.WriteBicepModuleAsync($"{vault.Name}-roles", KeyVaultRolesModule(vault.Name), parameters:
        [
            new($"{Identifier(vault.Name)}_outputs_name", new BicepOutputReference(vault, "name")),
            new("principalType", ""),
            new("principalId", ""),
        ]));
    }

    internal static string StorageModule(string name) => LocationParam + $$"""
        resource {{Identifier(name)}} 'Microsoft.Storage/storageAccounts@2024-01-01' = {
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

        resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
          name: 'default'
          parent: {{Identifier(name)}}
        }

        output blobEndpoint string = {{Identifier(name)}}.properties.primaryEndpoints.blob

        output queueEndpoint string = {{Identifier(name)}}.properties.primaryEndpoints.queue

        output tableEndpoint string = {{Identifier(name)}}.properties.primaryEndpoints.table

        output name string = {{Identifier(name)}}.name

        """;

    internal static string StorageRolesModule(string name) => UnusedLocationParam + $$"""
        // A resource name, never a secret, even when the resource is called "secrets" or "api-keys".
        #disable-next-line secure-secrets-in-params
        param {{Identifier(name)}}_outputs_name string

        param principalType string

        param principalId string

        resource {{Identifier(name)}} 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
          name: {{Identifier(name)}}_outputs_name
        }

        """ + string.Concat(new[]
        {
            ("StorageBlobDataContributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
            ("StorageQueueDataContributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"),
            ("StorageTableDataContributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"),
        }.Select(role => RoleAssignment(Identifier(name), role.Item1, role.Item2)));

    internal static string CosmosModule(string name, IEnumerable<string> databases) => LocationParam + $$"""
        resource {{Identifier(name)}} 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' = {
          name: take('{{name}}-${uniqueString(resourceGroup().id)}', 44)
          location: location
          properties: {
            locations: [
              {
                locationName: location
                failoverPriority: 0
              }
            ]
            capabilities: [
              {
                name: 'EnableServerless'
              }
            ]
            consistencyPolicy: {
              defaultConsistencyLevel: 'Session'
            }
            databaseAccountOfferType: 'Standard'
            disableLocalAuth: true
          }
          kind: 'GlobalDocumentDB'
          tags: {
            'aspire-resource-name': '{{name}}'
          }
        }

        """ + string.Concat(databases.Select(db => $$"""
        resource {{Identifier(name)}}_{{Identifier(db)}} 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-08-15' = {
          name: '{{db}}'
          location: location
          properties: {
            resource: {
              id: '{{db}}'
            }
          }
          parent: {{Identifier(name)}}
        }

        """)) + $$"""
        output connectionString string = {{Identifier(name)}}.properties.documentEndpoint

        output name string = {{Identifier(name)}}.name

        """;

    internal static string CosmosRolesModule(string name) => UnusedLocationParam + $$"""
        // A resource name, never a secret, even when the resource is called "secrets" or "api-keys".
        #disable-next-line secure-secrets-in-params
        param {{Identifier(name)}}_outputs_name string

        param principalId string

        resource {{Identifier(name)}} 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' existing = {
          name: {{Identifier(name)}}_outputs_name
        }

        // Built-in "Cosmos DB Built-in Data Contributor" (data plane; local auth is disabled on the account).
        resource {{Identifier(name)}}_roleDefinition 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-08-15' existing = {
          name: '00000000-0000-0000-0000-000000000002'
          parent: {{Identifier(name)}}
        }

        resource {{Identifier(name)}}_roleAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-08-15' = {
          name: guid(principalId, {{Identifier(name)}}_roleDefinition.id, {{Identifier(name)}}.id)
          properties: {
            principalId: principalId
            roleDefinitionId: {{Identifier(name)}}_roleDefinition.id
            scope: {{Identifier(name)}}.id
          }
          parent: {{Identifier(name)}}
        }

        """;

    internal static string KeyVaultModule(string name) => LocationParam + $$"""
        resource {{Identifier(name)}} 'Microsoft.KeyVault/vaults@2023-07-01' = {
          name: take('{{name}}-${uniqueString(resourceGroup().id)}', 24)
          location: location
          properties: {
            tenantId: tenant().tenantId
            sku: {
              family: 'A'
              name: 'standard'
            }
            enableRbacAuthorization: true
          }
          tags: {
            'aspire-resource-name': '{{name}}'
          }
        }

        output vaultUri string = {{Identifier(name)}}.properties.vaultUri

        output name string = {{Identifier(name)}}.name

        """;

    internal static string KeyVaultRolesModule(string name) => UnusedLocationParam + $$"""
        // A resource name, never a secret, even when the resource is called "secrets" or "api-keys".
        #disable-next-line secure-secrets-in-params
        param {{Identifier(name)}}_outputs_name string

        param principalType string

        param principalId string

        resource {{Identifier(name)}} 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
          name: {{Identifier(name)}}_outputs_name
        }

        """ + RoleAssignment(Identifier(name), "KeyVaultSecretsUser", "4633458b-17de-408a-b874-0445c86b69e6");

    private static string RoleAssignment(string resource, string roleName, string roleId) => $$"""
        resource {{resource}}_{{roleName}} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
          name: guid({{resource}}.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{{roleId}}'))
          properties: {
            principalId: principalId
            roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{{roleId}}')
            principalType: principalType
          }
          scope: {{resource}}
        }

        """;

    private static string Identifier(string name) => name.Replace('-', '_');

    private static string Alphanumeric(string name) => name.Replace("-", "", StringComparison.Ordinal);
}
