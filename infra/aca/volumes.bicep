// The Azure Files shares behind the postgres and redis volumes (azd's synthesis makes the same), reachable only from
// the apps' subnet. Container Apps mounts Azure Files with the account key, so shared keys stay on for this account
// alone; the data account (data.bicep) is Entra-only.
param location string
param tags object
param resourceToken string
param appsSubnetId string
param environmentName string

resource storageVolume 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'vol${resourceToken}'
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    largeFileSharesState: 'Enabled'
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      virtualNetworkRules: [
        {
          id: appsSubnetId
          action: 'Allow'
        }
      ]
    }
  }
  tags: tags
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2024-01-01' = {
  parent: storageVolume
  name: 'default'
}

resource postgresShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2024-01-01' = {
  parent: fileService
  name: 'postgres-orderplatformpostgresdata'
  properties: {
    shareQuota: 1024
    enabledProtocols: 'SMB'
  }
}

resource redisShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2024-01-01' = {
  parent: fileService
  name: 'redis-orderplatformredisdata'
  properties: {
    shareQuota: 1024
    enabledProtocols: 'SMB'
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' existing = {
  name: environmentName
}

resource postgresStore 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: take('postgres-orderplatformpostgresdata', 32)
  properties: {
    azureFile: {
      shareName: postgresShare.name
      accountName: storageVolume.name
      accountKey: storageVolume.listKeys().keys[0].value
      accessMode: 'ReadWrite'
    }
  }
}

resource redisStore 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: take('redis-orderplatformredisdata', 32)
  properties: {
    azureFile: {
      shareName: redisShare.name
      accountName: storageVolume.name
      accountKey: storageVolume.listKeys().keys[0].value
      accessMode: 'ReadWrite'
    }
  }
}

output accountName string = storageVolume.name
output postgresStoreName string = postgresStore.name
output redisStoreName string = redisStore.name
