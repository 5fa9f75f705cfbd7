// Single-VM deployment of OrderPlatform (the original design): one Ubuntu 22.04 VM runs the compose bundle written
// by `dotnet run --project OrderPlatform.AppHost --publisher vm --output-path <dir>` behind nginx.
// Deploy: az deployment group create -g <rg> -f infra/vm/main.bicep -p infra/vm/<env>.bicepparam (infra/README.md).
targetScope = 'resourceGroup'

@description('Environment name; also the Environment tag.')
@allowed([
  'dev'
  'qa'
  'staging'
  'prod'
])
param environmentName string

@description('Azure region.')
param location string = resourceGroup().location

@description('Project tag and name prefix.')
param projectName string = 'orderplatform'

@description('CostCenter tag.')
param costCenter string

@description('Admin user for SSH.')
param adminUsername string

@description('SSH public key of the admin user (password login is disabled).')
param adminSshPublicKey string

@description('CIDR range allowed to reach SSH (22); nothing else may.')
param adminSourceAddressPrefix string

@description('VM size.')
param vmSize string = 'Standard_B2ms'

@description('Size of the data disk holding Docker volumes (Postgres, Redis, Azurite), in GB.')
@minValue(32)
param dataDiskSizeGB int = 128

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Reach Key Vault only through a private endpoint in the VNet (staging, prod).')
param enablePrivateEndpoints bool = false

@description('Key Vault purge protection (staging, prod); once on it cannot be turned off.')
param enablePurgeProtection bool = false

@description('Days a deleted Key Vault can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionDays int = 7

@description('Host name the TLS certificate is issued for (its DNS A record points at the public IP).')
param domainName string

@description('E-mail for the Let\'s Encrypt account.')
param acmeEmail string

@description('URL of the bundle (tar.gz of the --publisher vm output) that cloud-init fetches; empty to copy it by hand.')
param bundleUrl string = ''

@description('SHA-256 (hex) of that bundle: cloud-init unpacks it only when the download matches (sha256sum of the tar.gz).')
param bundleSha256 string = ''

var tags = {
  Project: projectName
  CostCenter: costCenter
  Environment: environmentName
  ManagedBy: 'Bicep'
}
var prefix = '${projectName}-${environmentName}'

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    location: location
    prefix: prefix
    tags: tags
    adminSourceAddressPrefix: adminSourceAddressPrefix
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    prefix: prefix
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module vm 'modules/vm.bicep' = {
  name: 'vm'
  params: {
    location: location
    prefix: prefix
    tags: tags
    subnetId: network.outputs.appSubnetId
    publicIpId: network.outputs.publicIpId
    vmSize: vmSize
    adminUsername: adminUsername
    adminSshPublicKey: adminSshPublicKey
    dataDiskSizeGB: dataDiskSizeGB
    customData: replace(replace(replace(replace(replace(loadTextContent('cloud-init.yaml'),
      '@BUNDLE_URL@', bundleUrl),
      '@BUNDLE_SHA256@', toLower(bundleSha256)),
      '@DOMAIN@', domainName),
      '@ACME_EMAIL@', acmeEmail),
      '@KEYVAULT_NAME@', keyVaultName)
  }
}

var keyVaultName = take('kv-${projectName}-${environmentName}-${uniqueString(resourceGroup().id)}', 24)

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: keyVaultName
    tags: tags
    readerPrincipalId: vm.outputs.principalId
    enablePurgeProtection: enablePurgeProtection
    softDeleteRetentionDays: softDeleteRetentionDays
    enablePrivateEndpoint: enablePrivateEndpoints
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    vnetId: network.outputs.vnetId
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

@description('Public IP of the VM (point the DNS A record of domainName at it).')
output publicIpAddress string = network.outputs.publicIpAddress

@description('Key Vault URI; KEYVAULT_URI in the bundle\'s .env.')
output keyVaultUri string = keyVault.outputs.vaultUri

@description('Application Insights connection string resource id (read it with az monitor app-insights component show).')
output appInsightsId string = monitoring.outputs.appInsightsId
