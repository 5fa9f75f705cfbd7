// The Container Apps deployment azd provisions (`azd provision`/`azd up`), written from what `azd infra gen` makes of
// the AppHost manifest and then owned here (infra/README.md): one identity per app with only the data roles the app's
// references need, storage, Cosmos DB and Key Vault that accept traffic only from the apps' subnet, and a vault with
// purge protection in staging and prod. azd still deploys the apps from the manifest, through
// OrderPlatform.AppHost/infra/<app>.tmpl.yaml for the projects.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the environment (dev, qa, staging, prod, ...); the resource group is rg-<name>.')
param environmentName string

@minLength(1)
@description('The location used for all deployed resources')
param location string

// The AppHost's generated secrets (azd generates each once per environment and keeps it in the environment's config).
@metadata({azd: {
  type: 'generate'
  config: {length:22}
  }
})
@secure()
param api_key string
@metadata({azd: {
  type: 'generate'
  config: {length:22}
  }
})
@secure()
param notify_key string
@metadata({azd: {
  type: 'generate'
  config: {length:22}
  }
})
@secure()
param flowrunner_key string
@metadata({azd: {
  type: 'generate'
  config: {length:32}
  }
})
@secure()
param flowrunner_secrets_key string
@metadata({azd: {
  type: 'generate'
  config: {length:32}
  }
})
@secure()
param webhook_signing_key string
// The backing containers' passwords: azd's own templates for postgres, redis and temporal read them, and the apps'
// connection strings embed them; Bicep has no use for them, they are parameters so azd generates and keeps them.
@metadata({azd: {
  type: 'generate'
  config: {length:22}
  }
})
@secure()
#disable-next-line no-unused-params
param postgres_password string
@metadata({azd: {
  type: 'generate'
  config: {length:22,noSpecial:true}
  }
})
@secure()
#disable-next-line no-unused-params
param redis_password string
// Prompted once per environment; the app templates read them from azd's config as Container App secrets.
@secure()
#disable-next-line no-unused-params
param bot_app_password string
@secure()
#disable-next-line no-unused-params
param zoho_client_id string
@secure()
#disable-next-line no-unused-params
param zoho_client_secret string
@secure()
#disable-next-line no-unused-params
param zoho_refresh_token string
@secure()
#disable-next-line no-unused-params
param llm string
// Plain settings, empty unless set; the templates read them from the outputs of the same name.
param bot_app_id string = ''
param bot_tenant_id string = ''
param zoho_organization_id string = ''
param aci_subscription_id string = ''
param aci_resource_group string = ''
param aci_location string = ''
param aci_identity_id string = ''
param aci_registry_server string = ''

var tags = {
  'azd-env-name': environmentName
}

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'aca/resources.bicep' = {
  scope: rg
  name: 'resources'
  params: {
    location: location
    tags: tags
    hardened: contains(['staging', 'prod'], toLower(environmentName))
    secrets: {
      'api-key': api_key
      'notify-key': notify_key
      'flowrunner-key': flowrunner_key
      'flowrunner-secrets-key': flowrunner_secrets_key
      'webhook-signing-key': webhook_signing_key
    }
  }
}

var identities = toObject(resources.outputs.identities, e => e.name)

// What azd's deploy step and the app templates read (the names azd's own synthesis gives them).
output MANAGED_IDENTITY_CLIENT_ID string = resources.outputs.MANAGED_IDENTITY_CLIENT_ID
output MANAGED_IDENTITY_NAME string = resources.outputs.MANAGED_IDENTITY_NAME
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = resources.outputs.AZURE_LOG_ANALYTICS_WORKSPACE_NAME
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = resources.outputs.AZURE_CONTAINER_REGISTRY_ENDPOINT
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = resources.outputs.AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID
output AZURE_CONTAINER_REGISTRY_NAME string = resources.outputs.AZURE_CONTAINER_REGISTRY_NAME
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_NAME
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_ID
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN
output SERVICE_POSTGRES_VOLUME_ORDERPLATFORM_POSTGRES_DATA_NAME string = resources.outputs.SERVICE_POSTGRES_VOLUME_ORDERPLATFORM_POSTGRES_DATA_NAME
output SERVICE_REDIS_VOLUME_ORDERPLATFORM_REDIS_DATA_NAME string = resources.outputs.SERVICE_REDIS_VOLUME_ORDERPLATFORM_REDIS_DATA_NAME
output AZURE_VOLUMES_STORAGE_ACCOUNT string = resources.outputs.AZURE_VOLUMES_STORAGE_ACCOUNT
output STORAGE_BLOBENDPOINT string = resources.outputs.STORAGE_BLOBENDPOINT
output STORAGE_QUEUEENDPOINT string = resources.outputs.STORAGE_QUEUEENDPOINT
output COSMOS_CONNECTIONSTRING string = resources.outputs.COSMOS_CONNECTIONSTRING
output KEY_VAULT_URI string = resources.outputs.KEY_VAULT_URI
// One identity per project app (its resource id for the template's identity block, its client id for AZURE_CLIENT_ID).
output SERVICE_API_IDENTITY_ID string = identities.api.id
output SERVICE_API_IDENTITY_CLIENT_ID string = identities.api.clientId
output SERVICE_TEAMSBOT_IDENTITY_ID string = identities.teamsbot.id
output SERVICE_TEAMSBOT_IDENTITY_CLIENT_ID string = identities.teamsbot.clientId
output SERVICE_WORKER_IDENTITY_ID string = identities.worker.id
output SERVICE_WORKER_IDENTITY_CLIENT_ID string = identities.worker.clientId
output SERVICE_FLOWRUNNER_IDENTITY_ID string = identities.flowrunner.id
output SERVICE_FLOWRUNNER_IDENTITY_CLIENT_ID string = identities.flowrunner.clientId
output SERVICE_TASKWORKER_IDENTITY_ID string = identities.taskworker.id
output SERVICE_TASKWORKER_IDENTITY_CLIENT_ID string = identities.taskworker.clientId
output SERVICE_TASKDISPATCHER_IDENTITY_ID string = identities.taskdispatcher.id
output SERVICE_TASKDISPATCHER_IDENTITY_CLIENT_ID string = identities.taskdispatcher.clientId
output BOT_APP_ID string = bot_app_id
output BOT_TENANT_ID string = bot_tenant_id
output ZOHO_ORGANIZATION_ID string = zoho_organization_id
output ACI_SUBSCRIPTION_ID string = aci_subscription_id
output ACI_RESOURCE_GROUP string = aci_resource_group
output ACI_LOCATION string = aci_location
output ACI_IDENTITY_ID string = aci_identity_id
output ACI_REGISTRY_SERVER string = aci_registry_server
