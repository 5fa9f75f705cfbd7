// The data services the apps use, each Entra-only and closed to everything but the apps' subnet: storage (blobs,
// queues), Cosmos DB (cases) and Key Vault (the generated per-purpose keys). Roles are granted per app in app.bicep.
param location string
param tags object
param resourceToken string
param appsSubnetId string
@description('staging and prod: purge protection and 90 days of soft delete on the vault.')
param hardened bool
@secure()
param secrets object

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: take('storage${resourceToken}', 24)
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
      defaultAction: 'Deny'
      bypass: 'None'
      virtualNetworkRules: [
        {
          id: appsSubnetId
          action: 'Allow'
        }
      ]
    }
  }
  tags: union(tags, { 'aspire-resource-name': 'storage' })
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' = {
  name: take('cosmos-${resourceToken}', 44)
  location: location
  kind: 'GlobalDocumentDB'
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
    // Public access is on only so the VNet filter can admit the apps' subnet (service endpoint); no IP is allowed.
    publicNetworkAccess: 'Enabled'
    isVirtualNetworkFilterEnabled: true
    virtualNetworkRules: [
      {
        id: appsSubnetId
        ignoreMissingVNetServiceEndpoint: false
      }
    ]
    ipRules: []
  }
  tags: union(tags, { 'aspire-resource-name': 'cosmos' })
}

resource ordersDatabase 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-08-15' = {
  parent: cosmos
  name: 'orders'
  properties: {
    resource: {
      id: 'orders'
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kv${resourceToken}', 24)
  location: location
  properties: {
    sku: {
      name: 'standard'
      family: 'A'
    }
    tenantId: subscription().tenantId
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: hardened ? 90 : 7
    // Purge protection cannot be switched off once on, and Azure refuses `false`: set it in staging and prod only.
    enablePurgeProtection: hardened ? true : null
    // Container Apps fetch secret references from the platform, hence the trusted-services bypass next to the subnet.
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      virtualNetworkRules: [
        {
          id: appsSubnetId
          ignoreMissingVnetServiceEndpoint: false
        }
      ]
    }
  }
  tags: union(tags, { 'aspire-resource-name': 'keyvault' })
}

resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for secret in items(secrets): {
  parent: vault
  name: secret.key
  properties: {
    value: secret.value
  }
}]

output storageAccountName string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output cosmosAccountName string = cosmos.name
output cosmosEndpoint string = cosmos.properties.documentEndpoint
output keyVaultName string = vault.name
output keyVaultUri string = vault.properties.vaultUri
