// Least-privilege data-plane roles for one TerraFlow identity, each at the narrowest scope that works:
//   Service Bus Data Sender   on ONE queue (the one this identity writes)
//   Service Bus Data Receiver on ONE queue (the one this identity reads)
//   Storage Blob Data Contributor on the "artifacts" container only (not the account)
//   Key Vault Secrets User    on the vault, or only on the secrets named in keyVaultSecretNames (the runner)
//   AcrPull                   on the registry (runner only, to pull its image)
// Built-in role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles):
var roleIds = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d' // AcrPull
}

@description('Object (principal) id of the managed identity.')
param principalId string

@description('Short label used in role assignment descriptions, e.g. "function-app" or "runner".')
param label string

param serviceBusNamespaceName string

@description('Queue this identity sends to.')
param sendQueueName string

@description('Queue this identity receives from.')
param receiveQueueName string

param storageAccountName string
param artifactsContainerName string
param keyVaultName string

@description('Secrets this identity may read; empty = every secret in the vault (the Function App). Runners get only the App key.')
param keyVaultSecretNames array = []

@description('Container registry the identity pulls from; empty for none.')
param containerRegistryName string = ''

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource sendQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: namespace
  name: sendQueueName
}

resource receiveQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: namespace
  name: receiveQueueName
}

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' existing = {
  parent: account
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: blobService
  name: artifactsContainerName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (!empty(containerRegistryName)) {
  name: containerRegistryName
}

resource sender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: sendQueue
  name: guid(sendQueue.id, principalId, roleIds.serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'TerraFlow ${label}: send to ${sendQueueName}'
  }
}

resource receiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: receiveQueue
  name: guid(receiveQueue.id, principalId, roleIds.serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataReceiver)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'TerraFlow ${label}: receive from ${receiveQueueName}'
  }
}

resource blobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: container
  name: guid(container.id, principalId, roleIds.storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'TerraFlow ${label}: read and write artifacts'
  }
}

resource readableSecrets 'Microsoft.KeyVault/vaults/secrets@2024-11-01' existing = [for name in keyVaultSecretNames: {
  parent: vault
  name: name
}]

resource secretUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in keyVaultSecretNames: {
  scope: readableSecrets[i]
  name: guid(vault.id, name, principalId, roleIds.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'TerraFlow ${label}: read secret ${name}'
  }
}]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (empty(keyVaultSecretNames)) {
  scope: vault
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'TerraFlow ${label}: read secrets'
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(containerRegistryName)) {
  scope: registry
  name: guid(registry.id, principalId, roleIds.acrPull)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.acrPull)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'TerraFlow ${label}: pull images'
  }
}
