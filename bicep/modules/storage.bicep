// The artifacts storage account: plan files, plan JSON, plan text and logs per plan, in the container "artifacts".
// GZRS: three zones in the primary region plus asynchronous copies in the paired region (typical RPO < 15 min, no
// SLA; docs/platform-notes.md 3.6). Versioning and soft delete protect against an overwrite or a delete by mistake.
// No shared keys and no anonymous access: clients use Entra ID (managed identities, user-delegation SAS).

param location string

@description('Globally unique account name (3-24 lowercase letters and digits).')
@maxLength(24)
param accountName string

@description('Standard_RAGZRS adds read access to the secondary (Microsoft recommends it for maximum availability).')
@allowed([
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param skuName string = 'Standard_GZRS'

@minValue(1)
@maxValue(365)
param blobSoftDeleteDays int = 14

@minValue(1)
@maxValue(365)
param containerSoftDeleteDays int = 14

param tags object = {}

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    // Customer-managed failover is not supported for hierarchical-namespace accounts (platform-notes 3.6).
    isHnsEnabled: false
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: blobSoftDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: containerSoftDeleteDays
    }
  }
}

resource artifacts 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: 'artifacts'
  properties: {
    publicAccess: 'None'
  }
}

output accountName string = account.name
output accountId string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output artifactsContainerName string = artifacts.name
output artifactsContainerId string = artifacts.id
