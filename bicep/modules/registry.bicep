// Container registry for the runner image. Premium so the image is geo-replicated to the secondary region: during a
// regional outage the runner job in the secondary region can still pull it. No admin user; pulls use the runner's
// managed identity (AcrPull, see roles.bicep).
// Microsoft.ContainerRegistry is not in docs/platform-notes.md 5.3; 2023-07-01 is a GA version widely used in samples.

param location string
param secondaryLocation string

@description('Globally unique registry name (5-50 letters and digits).')
param registryName string

param tags object = {}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: 'Premium'
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
    zoneRedundancy: 'Enabled'
  }
}

resource replica 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = if (!empty(secondaryLocation)) {
  parent: registry
  name: secondaryLocation
  location: secondaryLocation
  tags: tags
  properties: {
    zoneRedundancy: 'Enabled'
  }
}

output registryName string = registry.name
output loginServer string = registry.properties.loginServer
