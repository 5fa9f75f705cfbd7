using 'main.bicep'

// Development: cheapest settings, public Key Vault endpoint, short retention, no purge protection.
param environmentName = 'dev'
param costCenter = 'orderplatform-dev'
param adminUsername = 'opadmin'
param adminSshPublicKey = readEnvironmentVariable('ORDERPLATFORM_SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReplaceWithYourOwnKeyReplaceWithYourOwnKey dev')
param adminSourceAddressPrefix = readEnvironmentVariable('ORDERPLATFORM_ADMIN_CIDR', '203.0.113.0/24')
param vmSize = 'Standard_B2ms'
param dataDiskSizeGB = 64
param logRetentionDays = 30
param enablePrivateEndpoints = false
param enablePurgeProtection = false
param softDeleteRetentionDays = 7
param domainName = 'dev.orderplatform.example.com'
param acmeEmail = 'ops@example.com'
param bundleUrl = readEnvironmentVariable('ORDERPLATFORM_BUNDLE_URL', '')
