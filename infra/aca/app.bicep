// One app's identity: AcrPull on the registry, and only the data roles its references need (resources.bicep, `apps`).
param location string
param tags object
@description('The Aspire resource name of the app (api, teamsbot, ...).')
param name string
param registryName string
param storageAccountName string
param cosmosAccountName string
param keyVaultName string
param blobs bool
param queues bool
param cosmos bool
@description('The Key Vault secrets the app reads; the role is granted on each secret, not on the vault.')
param secrets string[]

var roles = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'mi-${name}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: union(tags, { 'aspire-resource-name': name })
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' existing = {
  name: cosmosAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = [for secret in secrets: {
  parent: vault
  name: secret
}]

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, roles.acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}

resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (blobs) {
  name: guid(storage.id, identity.id, roles.blobDataContributor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (queues) {
  name: guid(storage.id, identity.id, roles.queueDataContributor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataContributor)
  }
}

// Cosmos DB's data plane has its own RBAC: the built-in Data Contributor, on this account only (local auth is off).
resource cosmosRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-08-15' = if (cosmos) {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, identity.id, '00000000-0000-0000-0000-000000000002')
  properties: {
    principalId: identity.properties.principalId
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    scope: cosmosAccount.id
  }
}

resource secretRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (secret, i) in secrets: {
  name: guid(vaultSecrets[i].id, identity.id, roles.keyVaultSecretsUser)
  scope: vaultSecrets[i]
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}]

output id string = identity.id
output clientId string = identity.properties.clientId
