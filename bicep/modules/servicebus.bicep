// Service Bus Premium namespace with the two queues TerraFlow uses:
//   jobs     Function App (engine) → runners: discover / plan / apply jobs
//   results  runners → Function App: job results
// Premium because geo-replication (metadata AND messages, one hostname) exists only on Premium
// (docs/platform-notes.md 2.5; MicrosoftDocs/azure-docs articles/service-bus-messaging/service-bus-geo-replication.md).
// Local (SAS) auth is disabled: every client uses Entra ID through managed identities.

param location string

@description('Region of the geo-replication secondary; empty disables geo-replication.')
param secondaryLocation string

@description('Globally unique namespace name.')
param namespaceName string

@description('Messaging units (1, 2, 4, 8 or 16).')
@allowed([1, 2, 4, 8, 16])
param capacity int = 1

@description('Asynchronous replication: the most the secondary may lag before the primary throttles senders. 0 would mean synchronous (RPO 0, but availability then depends on both regions).')
@minValue(0)
param maxReplicationLagSeconds int = 300

param tags object = {}

var geoReplicated = !empty(secondaryLocation)

// geoDataReplication shape as published in the Geo-Replication article's Bicep sample for api-version 2024-01-01.
// That article (July 2025) still marks the feature PREVIEW, available on NEW namespaces only, and without
// large-message support; a Feb 2026 page recommends it for most DR scenarios, but GA was not confirmed here.
// It cannot be combined with Geo-Disaster Recovery (alias) pairing. Verify with `az bicep build` / what-if.
resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Premium'
    tier: 'Premium'
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    zoneRedundant: true
    geoDataReplication: geoReplicated ? {
      maxReplicationLagDurationInSeconds: maxReplicationLagSeconds
      locations: [
        {
          locationName: location
          roleType: 'Primary'
        }
        {
          locationName: secondaryLocation
          roleType: 'Secondary'
        }
      ]
    } : null
  }
}

// The jobs queue. Job messages carry MessageId = job id, so duplicate detection drops a second send of the same job
// (an outbox retry after a crash between send and commit). requiresDuplicateDetection can only be set when a queue
// is created. A plan takes up to ~45 minutes (clone 5 + init 10 + plan 30), far past the 5-minute maximum lock,
// so runners renew the lock while they work (Azure.Messaging.ServiceBus RenewMessageLockAsync, every third of
// TerraFlow__ServiceBus__LockDuration, which compute.bicep sets to this lockDuration). maxDeliveryCount is one above
// the runner's attempt limit (TerraFlow__ServiceBus__MaxAttempts, 3): the runner itself answers a delivery past the
// limit with a failed result and dead-letters it, and answers a second delivery of an apply with "interrupted" and
// dead-letters it (an apply never runs twice); the broker's own dead-lettering only catches a job even that failed for.
resource jobs 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: 'jobs'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    lockDuration: 'PT5M'
    maxDeliveryCount: 4
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P1D'
    requiresSession: false
    enablePartitioning: false
    maxSizeInMegabytes: 5120
  }
}

// The results queue. There is no Service Bus trigger (the isolated worker's trigger extension cannot be built here):
// the Function App keeps a peek-lock receiver open in a hosted service, and its timer drains the queue too when no
// instance is warm. A result is completed only after it is committed to the workflow inbox together with its message
// id (processed_messages), so a redelivery is a no-op. Results wait here while the Function App is down: a 14-day TTL,
// and expired ones are dead-lettered, not dropped. maxDeliveryCount is high because a database outage costs each
// waiting result one delivery per lock expiry (the receiver backs off up to a minute); results the broker dead-letters
// anyway are still taken from the dead-letter sub-queue and recorded. Results are small, so a 1-minute lock is plenty.
resource results 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: 'results'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    lockDuration: 'PT1M'
    maxDeliveryCount: 100
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
    requiresSession: false
    enablePartitioning: false
    maxSizeInMegabytes: 5120
  }
}

output namespaceName string = namespace.name
output namespaceId string = namespace.id
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output jobsQueueName string = jobs.name
output resultsQueueName string = results.name
