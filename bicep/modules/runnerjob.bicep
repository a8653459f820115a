// Runners: a Container Apps environment and an event-driven Container Apps Job. KEDA's azure-servicebus scaler
// counts messages on the "jobs" queue and starts one execution (one container) per message, up to
// maxExecutions. The scaler only counts: the runner itself receives, renews and completes the message.
// Shape per docs/platform-notes.md 5.3 (AVM eventTriggerConfigType). Community reports say only ~10-17 executions
// start at once even with a high maxExecutions (microsoft/azure-container-apps#1216).

param location string
param namePrefix string

@description('Log Analytics workspace (same resource group) that receives container logs.')
param logAnalyticsWorkspaceName string

@description('Resource id of the runner\'s user-assigned managed identity (roles are assigned before this module runs).')
param identityId string

@description('Client id of that identity; the runner\'s Azure.Identity credential picks it with AZURE_CLIENT_ID.')
param identityClientId string

@description('Full image reference, e.g. myregistry.azurecr.io/terraflow-runner:1.0.0.')
param image string

@description('Registry login server the identity pulls from; empty for a public image.')
param registryServer string

param serviceBusNamespaceName string
param jobsQueueName string

// No database connection string: runners on Service Bus never touch the database (they receive jobs, write artifacts
// to Blob and send results to the results queue), and Terraform must find nothing of TerraFlow's to use.
@description('Versionless Key Vault secret URI of the GitHub App key: the runner mints short-lived installation tokens to clone with. Terraform never sees it (the runner gives its children an allow-listed environment).')
param githubAppPrivateKeySecretUri string

@description('Plain (non-secret) environment variables for the runner (name → value).')
param environmentVariables object

@description('Most executions running at once (each works on one job).')
@minValue(1)
@maxValue(100)
param maxExecutions int = 20

@description('Seconds one execution may run. The longest job is an apply: clone 5 + init 10 + apply 60 minutes of step limits (TerraFlow__Runner__ApplyTimeout), plus margin. An execution stopped at this limit loses its Service Bus lock; a redelivered apply is reported interrupted, never run again.')
param replicaTimeoutSeconds int = 5400

param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: logAnalyticsWorkspaceName
}

// Microsoft.App/managedEnvironments: 2024-03-01 (GA). docs/platform-notes.md 5.3 lists only the AVM-pinned preview
// 2025-10-02-preview for environments; a GA version is preferred for production.
resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-${namePrefix}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    // Zone redundancy for Container Apps needs a VNet-integrated environment; see the README's hardening notes.
    zoneRedundant: false
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

var secretEnv = [
  {
    name: 'TerraFlow__GitHub__PrivateKeyPem'
    secretRef: 'github-app-private-key'
  }
]

// Each execution handles one queued job and exits (KEDA starts one execution per message); logs as JSON lines.
var plainEnv = [for variable in items(union(environmentVariables, { AZURE_CLIENT_ID: identityClientId, TerraFlow__Runner__SingleJob: 'true', Logging__Console__FormatterName: 'json' })): {
  name: variable.key
  value: variable.value
}]

// Microsoft.App/jobs@2026-01-01 as pinned by AVM (docs/platform-notes.md 5.3).
resource job 'Microsoft.App/jobs@2026-01-01' = {
  name: 'caj-${namePrefix}-runner'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      triggerType: 'Event'
      replicaTimeout: replicaTimeoutSeconds
      // A failed execution is not restarted by Container Apps: the message's lock expires and Service Bus
      // redelivers it (up to the queue's maxDeliveryCount), and applies are never retried at all.
      replicaRetryLimit: 0
      secrets: [
        {
          name: 'github-app-private-key'
          keyVaultUrl: githubAppPrivateKeySecretUri
          identity: identityId
        }
      ]
      registries: empty(registryServer) ? [] : [
        {
          server: registryServer
          identity: identityId
        }
      ]
      eventTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
        scale: {
          minExecutions: 0
          maxExecutions: maxExecutions
          pollingInterval: 30
          rules: [
            {
              name: 'servicebus-jobs'
              type: 'azure-servicebus'
              metadata: {
                queueName: jobsQueueName
                namespace: serviceBusNamespaceName
                messageCount: '1'
              }
              // The scaler authenticates as the runner identity (it holds Data Receiver on the jobs queue).
              identity: identityId
            }
          ]
        }
      }
    }
    // Provider cache (runners/TerraFlow.Runner/Providers/README.md): the image keeps it in
    // /var/cache/terraflow/providers (TerraFlow__Runner__ProviderCacheDir). Each execution here runs one job and exits,
    // so without a volume the cache lives for that one job (an EmptyDir volume would change nothing). To share it
    // across executions, add an Azure Files share to the environment (Microsoft.App/managedEnvironments/storages;
    // NFS shares keep POSIX renames, modes and flock; SMB works too — entries appear by atomic rename, at worst two
    // executions fetch the same package) and mount it here: volumes: [{ name: 'providers', storageType: 'AzureFile',
    // storageName: '<storage>' }] and, in the container, volumeMounts: [{ volumeName: 'providers',
    // mountPath: '/var/cache/terraflow/providers' }]. Not wired by default: it needs a storage account share and its key.
    template: {
      containers: [
        {
          name: 'runner'
          image: image
          resources: {
            cpu: json('2.0')
            memory: '4Gi'
          }
          env: concat(plainEnv, secretEnv)
        }
      ]
    }
  }
}

output environmentName string = environment.name
output jobName string = job.name
