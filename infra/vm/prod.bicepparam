using 'main.bicep'

// Production: private endpoint, purge protection, long retention, a larger VM and disk.
param environmentName = 'prod'
param costCenter = 'orderplatform-prod'
param adminUsername = 'opadmin'
param adminSshPublicKey = readEnvironmentVariable('ORDERPLATFORM_SSH_PUBLIC_KEY', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReplaceWithYourOwnKeyReplaceWithYourOwnKey dev')
param adminSourceAddressPrefix = readEnvironmentVariable('ORDERPLATFORM_ADMIN_CIDR', '203.0.113.0/24')
param vmSize = 'Standard_D4s_v5'
param dataDiskSizeGB = 256
param logRetentionDays = 365
param enablePrivateEndpoints = true
param enablePurgeProtection = true
param softDeleteRetentionDays = 90
param domainName = 'orderplatform.example.com'
param acmeEmail = 'ops@example.com'
param bundleUrl = readEnvironmentVariable('ORDERPLATFORM_BUNDLE_URL', '')
