using 'main.bicep'

// Staging: production settings (private endpoint, purge protection) at a smaller size.
param environmentName = 'staging'
param costCenter = 'orderplatform-staging'
param adminUsername = 'opadmin'
param adminSshPublicKey = readEnvironmentVariable('ORDERPLATFORM_SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReplaceWithYourOwnKeyReplaceWithYourOwnKey dev')
param adminSourceAddressPrefix = readEnvironmentVariable('ORDERPLATFORM_ADMIN_CIDR', '203.0.113.0/24')
param vmSize = 'Standard_B2ms'
param dataDiskSizeGB = 128
param logRetentionDays = 90
param enablePrivateEndpoints = true
param enablePurgeProtection = true
param softDeleteRetentionDays = 30
param domainName = 'staging.orderplatform.example.com'
param acmeEmail = 'ops@example.com'
param bundleUrl = readEnvironmentVariable('ORDERPLATFORM_BUNDLE_URL', '')
