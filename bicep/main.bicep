// TerraFlow on Azure: one resource group in the primary region holding the data services (replicated to the
// secondary region) and the compute that uses them. See README.md beside this file for deploy steps and the
// region-failover runbook; standby.bicep deploys the compute half in the secondary region.
//
//   GitHub ──webhook──▶ Function App (Flex Consumption, .NET isolated) ──▶ PostgreSQL Flexible Server
//                          │ jobs queue                      ▲ results queue        (zone-redundant HA,
//                          ▼                                 │                       geo-redundant backup,
//                 Service Bus Premium (geo-replicated) ──▶ Container Apps Job        optional replica)
//                                                            (runners, KEDA)  ──▶ Storage GZRS "artifacts"
//   Key Vault (RBAC, purge protection): GitHub App key, webhook secret, PostgreSQL connection string
//   Log Analytics + Application Insights: both apps

targetScope = 'resourceGroup'

@description('Prefix of every resource name, e.g. "terraflow" or "terraflow-prod".')
@maxLength(16)
param namePrefix string = 'terraflow'

@description('Primary region.')
param location string = resourceGroup().location

@description('Secondary (DR) region: Service Bus geo-replica, PostgreSQL read replica, registry replica. Storage GZRS always replicates to the primary region\'s paired region.')
param secondaryLocation string

@description('GitHub App id (TerraFlow__GitHub__AppId).')
param githubAppId string

@description('GitHub REST base URL; for GitHub Enterprise Server https://<host>/api/v3.')
param githubApiUrl string = 'https://api.github.com'

@description('The GitHub App\'s private key (PEM). Stored only in Key Vault.')
@secure()
param githubAppPrivateKeyPem string

@description('The webhook secret configured on the GitHub App. Stored only in Key Vault.')
@secure()
param githubWebhookSecret string

param postgresAdministratorLogin string = 'terraflowadmin'

@description('Password of the PostgreSQL administrator; also used in the connection string in Key Vault until a dedicated application role replaces it (README).')
@secure()
param postgresAdministratorPassword string

@description('Object id of the Entra group (or user) that administers PostgreSQL.')
param postgresEntraAdminObjectId string

@description('Display name of that Entra principal.')
param postgresEntraAdminName string

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param postgresEntraAdminType string = 'Group'

@description('Create a PostgreSQL read replica in secondaryLocation (RTO minutes, RPO < 5 min) instead of relying on geo-restore alone (RPO < 1 h).')
param enablePostgresReadReplica bool = false

param postgresSkuName string = 'Standard_D2ds_v5'

@description('Max asynchronous Service Bus replication lag in seconds before the primary throttles senders.')
param serviceBusMaxReplicationLagSeconds int = 300

@allowed([
  'Standard_GZRS'
  'Standard_RAGZRS'
])
param artifactsStorageSku string = 'Standard_GZRS'

@description('Runner image tag pushed to the registry (README: "Push the runner image").')
param runnerImageTag string = 'latest'

@description('Create the runner job. Deploy once with false, push the image, then deploy with true.')
param deployRunnerJob bool = true

@minValue(1)
@maxValue(100)
param runnerMaxExecutions int = 20

@description('Public base URL if TerraFlow sits behind a custom domain or Front Door; empty uses the Function App host name.')
param publicUrl string = ''

param tags object = {
  application: 'terraflow'
}

// Global names must be unique; a suffix from the resource group id keeps redeployments stable.
var nameSuffix = take(uniqueString(resourceGroup().id), 8)
var compactPrefix = replace(namePrefix, '-', '')

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    secondaryLocation: secondaryLocation
    namespaceName: 'sb-${namePrefix}-${nameSuffix}'
    maxReplicationLagSeconds: serviceBusMaxReplicationLagSeconds
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    accountName: take('sta${compactPrefix}${nameSuffix}', 24)
    skuName: artifactsStorageSku
    tags: tags
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    location: location
    secondaryLocation: secondaryLocation
    serverName: 'psql-${namePrefix}-${nameSuffix}'
    enableReadReplica: enablePostgresReadReplica
    skuName: postgresSkuName
    administratorLogin: postgresAdministratorLogin
    administratorLoginPassword: postgresAdministratorPassword
    entraAdminObjectId: postgresEntraAdminObjectId
    entraAdminName: postgresEntraAdminName
    entraAdminType: postgresEntraAdminType
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    namePrefix: namePrefix
    vaultName: take('kv-${namePrefix}-${nameSuffix}', 24)
    githubAppPrivateKeyPem: githubAppPrivateKeyPem
    githubWebhookSecret: githubWebhookSecret
    // Npgsql keyword syntax. With a replica this is the virtual endpoint's writer name, which follows promotion.
    postgresConnectionString: 'Host=${postgres.outputs.writerHost};Port=5432;Database=${postgres.outputs.databaseName};Username=${postgresAdministratorLogin};Password=${postgresAdministratorPassword};SSL Mode=Require'
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    secondaryLocation: secondaryLocation
    registryName: take('cr${compactPrefix}${nameSuffix}', 50)
    tags: tags
  }
}

module compute 'modules/compute.bicep' = {
  name: 'compute'
  params: {
    location: location
    namePrefix: namePrefix
    nameSuffix: nameSuffix
    dataResourceGroupName: resourceGroup().name
    logAnalyticsWorkspaceName: monitoring.outputs.workspaceName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    storageAccountName: storage.outputs.accountName
    keyVaultName: keyVault.outputs.vaultName
    containerRegistryName: registry.outputs.registryName
    runnerImageTag: runnerImageTag
    deployRunnerJob: deployRunnerJob
    runnerMaxExecutions: runnerMaxExecutions
    publicUrl: publicUrl
    githubAppId: githubAppId
    githubApiUrl: githubApiUrl
    tags: tags
  }
}

output functionAppName string = compute.outputs.functionAppName
output webhookUrl string = 'https://${compute.outputs.functionAppHostName}/api/webhooks/github'
output gitlabWebhookUrl string = 'https://${compute.outputs.functionAppHostName}/api/webhooks/gitlab'
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output artifactsBlobEndpoint string = storage.outputs.blobEndpoint
output keyVaultName string = keyVault.outputs.vaultName
output containerRegistryLoginServer string = registry.outputs.loginServer
output postgresServerName string = postgres.outputs.serverName
output postgresWriterHost string = postgres.outputs.writerHost
output postgresReplicaName string = postgres.outputs.replicaName
output runnerJobName string = compute.outputs.runnerJobName
