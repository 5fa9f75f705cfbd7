// Everything in the environment's resource group (main.bicep): a VNet for the Container Apps environment, the registry,
// logs, the volumes' file shares, the data services (data.bicep) and one identity per app (app.bicep).
@description('The location used for all deployed resources')
param location string = resourceGroup().location

@description('Tags that will be applied to all resources')
param tags object = {}

@description('staging and prod: Key Vault purge protection and 90 days of soft delete.')
param hardened bool

@description('The generated per-purpose keys, stored in Key Vault under these names.')
@secure()
param secrets object

var resourceToken = uniqueString(resourceGroup().id)

// What each project app references in the AppHost (OrderPlatform.AppHost/Program.cs) and so the data roles it gets:
// blobs = Storage Blob Data Contributor, queues = Storage Queue Data Contributor, cosmos = Cosmos DB Built-in Data
// Contributor, secrets = Key Vault Secrets User on each named secret only. No app uses Table storage; none gets a
// Table role. Tests/OrderPlatform.Publishing.Tests/AcaInfraTests checks this table against the manifest.
var apps = {
  api: { blobs: true, queues: true, cosmos: true, secrets: ['api-key'] }
  teamsbot: { blobs: false, queues: false, cosmos: false, secrets: ['api-key', 'notify-key'] }
  worker: { blobs: true, queues: false, cosmos: true, secrets: ['notify-key'] }
  flowrunner: { blobs: true, queues: false, cosmos: false, secrets: ['flowrunner-key', 'flowrunner-secrets-key'] }
  taskworker: { blobs: true, queues: false, cosmos: false, secrets: [] }
  taskdispatcher: { blobs: true, queues: true, cosmos: false, secrets: ['webhook-signing-key'] }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${resourceToken}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: ['10.40.0.0/16']
    }
    subnets: [
      {
        name: 'apps'
        properties: {
          addressPrefix: '10.40.0.0/23'
          delegations: [
            {
              name: 'containerapps'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          // The data services admit this subnet by service endpoint (their network rules); nothing else reaches them.
          serviceEndpoints: [
            { service: 'Microsoft.Storage' }
            { service: 'Microsoft.AzureCosmosDB' }
            { service: 'Microsoft.KeyVault' }
          ]
        }
      }
    ]
  }
}

var appsSubnetId = vnet.properties.subnets[0].id

// Pulls images for the apps azd templates itself (postgres, redis, temporal): AcrPull and nothing else.
resource managedIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'mi-${resourceToken}'
  location: location
  tags: tags
}

resource containerRegistry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: replace('acr-${resourceToken}', '-', '')
  location: location
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
  }
  tags: tags
}

resource pullRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(containerRegistry.id, managedIdentity.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d'))
  scope: containerRegistry
  properties: {
    principalId: managedIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
  }
}

resource logAnalyticsWorkspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'law-${resourceToken}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
  }
  tags: tags
}

resource containerAppEnvironment 'Microsoft.App/managedEnvironments@2024-10-02-preview' = {
  name: 'cae-${resourceToken}'
  location: location
  properties: {
    workloadProfiles: [
      {
        workloadProfileType: 'Consumption'
        name: 'consumption'
      }
    ]
    // Public ingress stays possible for the apps that ask for it; everything else is reachable inside only.
    vnetConfiguration: {
      infrastructureSubnetId: appsSubnetId
      internal: false
    }
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalyticsWorkspace.properties.customerId
        sharedKey: logAnalyticsWorkspace.listKeys().primarySharedKey
      }
    }
  }
  tags: tags

  resource aspireDashboard 'dotNetComponents' = {
    name: 'aspire-dashboard'
    properties: {
      componentType: 'AspireDashboard'
    }
  }
}

module volumes 'volumes.bicep' = {
  name: 'volumes'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appsSubnetId: appsSubnetId
    environmentName: containerAppEnvironment.name
  }
}

module data 'data.bicep' = {
  name: 'data'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    appsSubnetId: appsSubnetId
    hardened: hardened
    secrets: secrets
  }
}

module appIdentities 'app.bicep' = [for app in items(apps): {
  name: 'app-${app.key}'
  params: {
    location: location
    tags: tags
    name: app.key
    registryName: containerRegistry.name
    storageAccountName: data.outputs.storageAccountName
    cosmosAccountName: data.outputs.cosmosAccountName
    keyVaultName: data.outputs.keyVaultName
    blobs: app.value.blobs
    queues: app.value.queues
    cosmos: app.value.cosmos
    secrets: app.value.secrets
  }
}]

output MANAGED_IDENTITY_CLIENT_ID string = managedIdentity.properties.clientId
output MANAGED_IDENTITY_NAME string = managedIdentity.name
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = logAnalyticsWorkspace.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = containerRegistry.properties.loginServer
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = managedIdentity.id
output AZURE_CONTAINER_REGISTRY_NAME string = containerRegistry.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppEnvironment.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = containerAppEnvironment.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = containerAppEnvironment.properties.defaultDomain
output SERVICE_POSTGRES_VOLUME_ORDERPLATFORM_POSTGRES_DATA_NAME string = volumes.outputs.postgresStoreName
output SERVICE_REDIS_VOLUME_ORDERPLATFORM_REDIS_DATA_NAME string = volumes.outputs.redisStoreName
output AZURE_VOLUMES_STORAGE_ACCOUNT string = volumes.outputs.accountName
output STORAGE_BLOBENDPOINT string = data.outputs.blobEndpoint
output STORAGE_QUEUEENDPOINT string = data.outputs.queueEndpoint
output COSMOS_CONNECTIONSTRING string = data.outputs.cosmosEndpoint
output KEY_VAULT_URI string = data.outputs.keyVaultUri
// One entry per app: its name, identity resource id and client id (main.bicep outputs them per app).
output identities array = [for (app, i) in items(apps): {
  name: app.key
  id: appIdentities[i].outputs.id
  clientId: appIdentities[i].outputs.clientId
}]
