// The Function App: TerraFlow.Functions as a .NET isolated worker (runtime "dotnet-isolated" 10.0) on Flex Consumption.
//
// Why Flex Consumption and not Premium EP1: everything TerraFlow needs from the plan is available on Flex -
// the .NET isolated worker, HTTP and timer triggers, Key Vault references, managed identity, VNet integration, a 30-minute default /
// unbounded function timeout - and it scales to zero, while Linux Consumption retires on 30 Sep 2028
// (docs/platform-notes.md 1.6). What Flex lacks (deployment slots, EasyAuth in the preview-era list) TerraFlow does
// not use: webhooks are authenticated by HMAC. Pick EP1 instead only if you need slots or always-warm instances
// beyond Flex's "always ready" setting.
//
// The Functions host's own storage (AzureWebJobsStorage: keys, leases, the deployment package) is a separate small
// ZRS account, so the host's Storage Blob Data Owner role never touches the artifacts account.

param location string
param namePrefix string

@description('Globally unique name of the Function App.')
param functionAppName string

@description('Globally unique name of the host storage account (3-24 lowercase letters and digits).')
@maxLength(24)
param hostStorageAccountName string

@description('Application settings (name → value); Key Vault references are plain strings here.')
param appSettings object

@description('Public base URL (custom domain or Front Door); empty means https://<default host name>.')
param publicUrl string = ''

@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

param tags object = {}

var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner (built-in)
var deploymentContainerName = 'app-package'

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: hostStorageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    // The host's storage is rebuilt, not failed over: a standby app in another region gets its own account.
    name: 'Standard_ZRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource hostBlobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: hostStorage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: hostBlobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'asp-${namePrefix}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

var hostSettings = {
  // Identity-based host storage (system-assigned identity is the default credential).
  AzureWebJobsStorage__accountName: hostStorage.name
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // .NET isolated worker: the host starts TerraFlow.Functions.dll as worker.config.json in the package says and
      // reads the functions from functions.metadata. On Flex this pair is what FUNCTIONS_WORKER_RUNTIME /
      // FUNCTIONS_WORKER_RUNTIME_VERSION are on other plans; Flex takes them here, not as app settings.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// App settings are a child resource so that TerraFlow__PublicUrl can use the default host name, which new apps get
// with a generated suffix and is therefore only known after the site exists. This resource replaces ALL settings.
// Key Vault references resolve with the system-assigned identity (the default keyVaultReferenceIdentity).
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(appSettings, hostSettings, {
    TerraFlow__PublicUrl: empty(publicUrl) ? 'https://${site.properties.defaultHostName}' : publicUrl
  })
}

resource hostStorageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, site.id, storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'TerraFlow function app: Functions host storage and deployment package'
  }
}

output functionAppName string = site.name
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
