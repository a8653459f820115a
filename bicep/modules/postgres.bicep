// PostgreSQL Flexible Server: TerraFlow's system of record (runs, jobs, workflow state, outbox, audit).
//   - zone-redundant HA: synchronous standby in another zone, automatic failover, RTO 60-120 s, RPO 0
//   - geo-redundant backup: backups copied to the paired region; geo-restore RPO < 1 h (only settable at creation)
//   - optional cross-region read replica + virtual endpoint: promote-to-primary in minutes, RPO < 5 min typical
// (docs/platform-notes.md 5.1; azure-databases-docs postgresql/flexible-server/concepts-business-continuity.md and
// concepts-read-replicas.md). HA and replicas need General Purpose or Memory Optimized, never Burstable.

param location string

@description('Region of the optional read replica (normally the paired region).')
param secondaryLocation string

@description('Globally unique server name.')
param serverName string

@description('Create a read replica in the secondary region and a virtual endpoint whose writer host name follows promotion.')
param enableReadReplica bool

param skuName string = 'Standard_D2ds_v5'

@allowed([
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'GeneralPurpose'

@description('PostgreSQL major version (TerraFlow needs 15 or later).')
@allowed([
  '15'
  '16'
  '17'
])
param version string = '16'

param storageSizeGB int = 64

@minValue(7)
@maxValue(35)
param backupRetentionDays int = 35

param administratorLogin string

@secure()
param administratorLoginPassword string

@description('Object id of the Entra user or group that administers the server.')
param entraAdminObjectId string

@description('Display name (UPN or group name) of that Entra principal.')
param entraAdminName string

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param entraAdminType string = 'Group'

param databaseName string = 'terraflow'

param tags object = {}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    // Entra for people and, later, for the apps; passwords stay on because TerraFlow's Npgsql data source takes a
    // connection string today. Turning passwordAuth off needs an Entra token provider in the adapters first.
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Enabled'
      tenantId: subscription().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: 'Enabled'
    }
    highAvailability: {
      mode: 'ZoneRedundant'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource entraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: entraAdminObjectId
  properties: {
    principalType: entraAdminType
    principalName: entraAdminName
    tenantId: subscription().tenantId
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    entraAdmin
  ]
}

// Flex Consumption and Container Apps (without VNet integration) leave from shared Azure addresses, so this rule
// admits "Azure services". It is the widest acceptable setting; private networking (VNet integration for both apps
// plus a delegated subnet or private endpoint for the server) is the hardening step, see bicep/README.md.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    database
  ]
}

// Replicas do not support HA or their own backups; they copy the primary's settings at creation.
resource replica 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (enableReadReplica) {
  name: '${serverName}-replica'
  location: secondaryLocation
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    createMode: 'Replica'
    sourceServerResourceId: server.id
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
  }
  dependsOn: [
    allowAzure
  ]
}

// A virtual endpoint gives a writer host name (<name>.writer.postgres.database.azure.com) that moves to the replica
// when it is promoted to primary, so the connection string in Key Vault does not change on failover.
// Shape as in the 2024-08-01 resource reference sample (Azure/template-reference-generator).
resource endpoint 'Microsoft.DBforPostgreSQL/flexibleServers/virtualendpoints@2024-08-01' = if (enableReadReplica) {
  parent: server
  name: serverName
  properties: {
    endpointType: 'ReadWrite'
    members: [
      replica.name
    ]
  }
}

output serverName string = server.name
output serverId string = server.id
output databaseName string = database.name
// With a replica, apps connect through the virtual endpoint's writer name so promotion needs no config change.
output writerHost string = enableReadReplica ? '${serverName}.writer.postgres.database.azure.com' : server.properties.fullyQualifiedDomainName
output replicaName string = enableReadReplica ? replica.name : ''
