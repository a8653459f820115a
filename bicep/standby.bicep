// The compute half of TerraFlow in the SECONDARY region, deployed into its own resource group there (a resource
// group's metadata lives in its region, so during an outage the primary group may refuse changes). It reuses the
// data services that main.bicep created in the primary resource group; those fail over on their own terms
// (README.md, "Region failover runbook").
//
// Deploy it ahead of time with activateRunners=false: the Function App has no code yet (so it has no triggers and
// consumes nothing) and no runner job exists, so it costs next to nothing and its identities and role assignments
// are already in place when an outage starts. During failover: publish the code to it and redeploy with
// activateRunners=true.

targetScope = 'resourceGroup'

@maxLength(16)
param namePrefix string = 'terraflow'

@description('The secondary region (this resource group\'s region).')
param location string = resourceGroup().location

@description('Resource group that main.bicep deployed into (holds Service Bus, storage, Key Vault, PostgreSQL, registry).')
param dataResourceGroupName string

param githubAppId string
param githubApiUrl string = 'https://api.github.com'

param runnerImageTag string = 'latest'

@description('Create the runner job here. Keep false while the primary region is healthy.')
param activateRunners bool = false

@minValue(1)
@maxValue(100)
param runnerMaxExecutions int = 20

param publicUrl string = ''

param tags object = {
  application: 'terraflow'
  role: 'standby'
}

// The same names main.bicep derived from the data resource group.
var dataSuffix = take(uniqueString(resourceGroup(dataResourceGroupName).id), 8)
var compactPrefix = replace(namePrefix, '-', '')

// Telemetry of the standby region goes to its own workspace, so it keeps flowing when the primary region is down.
module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring-standby'
  params: {
    location: location
    namePrefix: '${namePrefix}-dr'
    tags: tags
  }
}

module compute 'modules/compute.bicep' = {
  name: 'compute-standby'
  params: {
    location: location
    namePrefix: '${namePrefix}-dr'
    nameSuffix: dataSuffix
    dataResourceGroupName: dataResourceGroupName
    logAnalyticsWorkspaceName: monitoring.outputs.workspaceName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    serviceBusNamespaceName: 'sb-${namePrefix}-${dataSuffix}'
    storageAccountName: take('sta${compactPrefix}${dataSuffix}', 24)
    keyVaultName: take('kv-${namePrefix}-${dataSuffix}', 24)
    containerRegistryName: take('cr${compactPrefix}${dataSuffix}', 50)
    runnerImageTag: runnerImageTag
    deployRunnerJob: activateRunners
    runnerMaxExecutions: runnerMaxExecutions
    publicUrl: publicUrl
    githubAppId: githubAppId
    githubApiUrl: githubApiUrl
    tags: tags
  }
}

output functionAppName string = compute.outputs.functionAppName
output webhookUrl string = 'https://${compute.outputs.functionAppHostName}/api/webhooks/github'
output runnerJobName string = compute.outputs.runnerJobName
