// Key Vault in RBAC mode (no access policies) with purge protection, holding TerraFlow's secrets:
//   github-app-private-key      the GitHub App's PEM key        (Function App + runner)
//   github-webhook-secret       X-Hub-Signature-256 secret      (Function App only)
//   postgres-connection-string  Npgsql connection string        (Function App + runner)
// Secrets come in as @secure() parameters, which ARM keeps out of deployment history and logs.

param location string
param namePrefix string

@description('Globally unique vault name (3-24 characters).')
@maxLength(24)
param vaultName string

@description('Soft-delete retention; purge protection keeps a deleted vault or secret recoverable for this long.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@secure()
param githubAppPrivateKeyPem string

@secure()
param githubWebhookSecret string

@secure()
param postgresConnectionString string

param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: vaultName
  location: location
  tags: union(tags, { 'terraflow-prefix': namePrefix })
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Purge protection cannot be turned off again once on: a deleted vault cannot be purged before retention ends.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource githubKey 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'github-app-private-key'
  properties: {
    value: githubAppPrivateKeyPem
    contentType: 'application/x-pem-file'
  }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'github-webhook-secret'
  properties: {
    value: githubWebhookSecret
  }
}

resource postgres 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'postgres-connection-string'
  properties: {
    value: postgresConnectionString
  }
}

output vaultName string = vault.name
output vaultId string = vault.id
output vaultUri string = vault.properties.vaultUri
// Versionless secret URIs: Key Vault references then follow rotation (the platform re-reads them periodically).
output githubAppPrivateKeySecretUri string = '${vault.properties.vaultUri}secrets/${githubKey.name}'
output githubWebhookSecretUri string = '${vault.properties.vaultUri}secrets/${webhookSecret.name}'
output postgresConnectionStringSecretUri string = '${vault.properties.vaultUri}secrets/${postgres.name}'
