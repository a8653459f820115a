// The stateless half of TerraFlow in one region: the Function App, the runner identity and job, and their roles on
// the data services. main.bicep uses it in the primary region; standby.bicep uses it in the secondary region against
// the same (replicated) data services. Nothing here holds state that a failover would need to move.

param location string

@description('Name prefix, e.g. "terraflow" or "terraflow-dr".')
param namePrefix string

@description('Suffix that makes global names unique (uniqueString of the data resource group).')
param nameSuffix string

@description('Resource group of the data services (Service Bus, storage, Key Vault, PostgreSQL, registry).')
param dataResourceGroupName string

param logAnalyticsWorkspaceName string
param appInsightsConnectionString string

param serviceBusNamespaceName string
param storageAccountName string
param keyVaultName string
param containerRegistryName string

@description('Runner image tag in the registry, e.g. "1.0.0".')
param runnerImageTag string

@description('Create the runner job. False until the image has been pushed (first deployment) or while a standby region is passive.')
param deployRunnerJob bool

@minValue(1)
@maxValue(100)
param runnerMaxExecutions int = 20

param functionAppMaximumInstanceCount int = 40

@description('Public base URL (custom domain or Front Door); empty means the Function App\'s default host name.')
param publicUrl string = ''

param githubAppId string
param githubApiUrl string

param tags object = {}

var jobsQueue = 'jobs'
var resultsQueue = 'results'
var artifactsContainer = 'artifacts'
var vaultUri = 'https://${keyVaultName}${environment().suffixes.keyvaultDns}/'
var secretUris = {
  githubAppPrivateKey: '${vaultUri}secrets/github-app-private-key'
  githubWebhookSecret: '${vaultUri}secrets/github-webhook-secret'
  postgresConnectionString: '${vaultUri}secrets/postgres-connection-string'
}
var serviceBusFqdn = '${serviceBusNamespaceName}.servicebus.windows.net'

// Settings both processes read. Names in the README's Configuration table, plus the Azure adapter settings
// (TerraFlow__ServiceBus__*: Azure.Messaging.ServiceBus with DefaultAzureCredential; TerraFlow__Artifacts__Blob__*).
var sharedSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  TerraFlow__GitHub__ApiUrl: githubApiUrl
  TerraFlow__GitHub__AppId: githubAppId
  TerraFlow__ServiceBus__FullyQualifiedNamespace: serviceBusFqdn
  TerraFlow__ServiceBus__JobsQueue: jobsQueue
  TerraFlow__ServiceBus__ResultsQueue: resultsQueue
  // = the jobs queue's lockDuration (servicebus.bicep); runners renew at a third of it.
  TerraFlow__ServiceBus__LockDuration: '00:05:00'
  TerraFlow__Artifacts__Blob__ServiceUri: 'https://${storageAccountName}.blob.${environment().suffixes.storage}/'
  TerraFlow__Artifacts__Blob__ContainerName: artifactsContainer
}

var functionSettings = union(sharedSettings, {
  ConnectionStrings__Postgres: '@Microsoft.KeyVault(SecretUri=${secretUris.postgresConnectionString})'
  TerraFlow__GitHub__PrivateKeyPem: '@Microsoft.KeyVault(SecretUri=${secretUris.githubAppPrivateKey})'
  TerraFlow__GitHub__WebhookSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.githubWebhookSecret})'
  // The Function App never clones or runs Terraform; runners do (ARCHITECTURE.md).
  TerraFlow__Runner__InProcess: 'false'
  // No Service Bus trigger, so no trigger connection setting: a hosted receiver and the timer take results.
})

var runnerSettings = union(sharedSettings, {
  TerraFlow__Runner__TerraformPath: 'terraform'
  // One execution per message: the job scales by executions, not by concurrency inside one container.
  TerraFlow__Runner__Concurrency: '1'
  TerraFlow__Runner__WorkDirectory: '/tmp/terraflow-runner'
  // The runner's identity is user-assigned: DefaultAzureCredential needs its client id to pick it.
  TerraFlow__ServiceBus__ManagedIdentityClientId: runnerIdentity.properties.clientId
  // The Blob store authenticates as this identity directly (ManagedIdentityCredential), not via DefaultAzureCredential's chain.
  TerraFlow__Artifacts__Blob__ManagedIdentityClientId: runnerIdentity.properties.clientId
})

module functionApp 'functionapp.bicep' = {
  name: 'functionapp-${namePrefix}'
  params: {
    location: location
    namePrefix: namePrefix
    functionAppName: 'func-${namePrefix}-${nameSuffix}'
    hostStorageAccountName: take('stf${replace(namePrefix, '-', '')}${nameSuffix}', 24)
    appSettings: functionSettings
    publicUrl: publicUrl
    maximumInstanceCount: functionAppMaximumInstanceCount
    tags: tags
  }
}

// The Function App sends jobs and receives results (Data Receiver on `results` covers its dead-letter sub-queue,
// which the results receiver also drains, and the health probe's peek).
module functionAppRoles 'roles.bicep' = {
  name: 'roles-function-${namePrefix}'
  scope: resourceGroup(dataResourceGroupName)
  params: {
    principalId: functionApp.outputs.principalId
    label: 'function-app'
    serviceBusNamespaceName: serviceBusNamespaceName
    sendQueueName: jobsQueue
    receiveQueueName: resultsQueue
    storageAccountName: storageAccountName
    artifactsContainerName: artifactsContainer
    keyVaultName: keyVaultName
  }
}

// A user-assigned identity (not system-assigned) so that its roles exist BEFORE the job is created: the job's Key
// Vault secret references and registry pull are checked when the job is created.
resource runnerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${namePrefix}-runner'
  location: location
  tags: tags
}

// Runners receive jobs (peek-lock, renew, complete, dead-letter) and send results; nothing else on Service Bus.
module runnerRoles 'roles.bicep' = {
  name: 'roles-runner-${namePrefix}'
  scope: resourceGroup(dataResourceGroupName)
  params: {
    principalId: runnerIdentity.properties.principalId
    label: 'runner'
    serviceBusNamespaceName: serviceBusNamespaceName
    sendQueueName: resultsQueue
    receiveQueueName: jobsQueue
    storageAccountName: storageAccountName
    artifactsContainerName: artifactsContainer
    keyVaultName: keyVaultName
    // Only the App key (to mint clone tokens): not the database connection string, not the webhook secret.
    keyVaultSecretNames: ['github-app-private-key']
    containerRegistryName: containerRegistryName
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: containerRegistryName
  scope: resourceGroup(dataResourceGroupName)
}

module runnerJob 'runnerjob.bicep' = if (deployRunnerJob) {
  name: 'runnerjob-${namePrefix}'
  params: {
    location: location
    namePrefix: namePrefix
    logAnalyticsWorkspaceName: logAnalyticsWorkspaceName
    identityId: runnerIdentity.id
    identityClientId: runnerIdentity.properties.clientId
    image: '${registry.properties.loginServer}/terraflow-runner:${runnerImageTag}'
    registryServer: registry.properties.loginServer
    serviceBusNamespaceName: serviceBusNamespaceName
    jobsQueueName: jobsQueue
    githubAppPrivateKeySecretUri: secretUris.githubAppPrivateKey
    environmentVariables: runnerSettings
    maxExecutions: runnerMaxExecutions
    tags: tags
  }
  dependsOn: [
    runnerRoles
  ]
}

output functionAppName string = functionApp.outputs.functionAppName
output functionAppHostName string = functionApp.outputs.defaultHostName
output functionAppPrincipalId string = functionApp.outputs.principalId
output runnerIdentityPrincipalId string = runnerIdentity.properties.principalId
output runnerJobName string = deployRunnerJob ? runnerJob.outputs.jobName : ''
