using 'standby.bicep'

// Deploy into a resource group in the secondary region (README.md, "Standby region").
param namePrefix = 'terraflow'
param dataResourceGroupName = readEnvironmentVariable('TERRAFLOW_DATA_RESOURCE_GROUP', 'rg-terraflow')
param githubAppId = readEnvironmentVariable('TERRAFLOW_GITHUB_APP_ID')
param runnerImageTag = readEnvironmentVariable('TERRAFLOW_RUNNER_IMAGE_TAG', 'latest')
param activateRunners = bool(readEnvironmentVariable('TERRAFLOW_ACTIVATE_RUNNERS', 'false'))
