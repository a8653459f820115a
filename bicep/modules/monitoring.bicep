// Log Analytics workspace + workspace-based Application Insights. Both apps (Function App, runner job) send telemetry
// to the one Application Insights resource, so a run can be followed across the webhook, the engine and the runner.

@description('Azure region of the workspace and the Application Insights resource.')
param location string

@description('Name prefix, e.g. "terraflow-prod".')
param namePrefix string

@description('Days Log Analytics keeps data (30 is included in the base price).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: 'log-${namePrefix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

// Classic (non-workspace) Application Insights is retired; WorkspaceResourceId makes this workspace-based.
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${namePrefix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Telemetry is sent with the connection string; local auth stays on because the app's exporter is not
    // Entra-authenticated yet (switch DisableLocalAuth to true once it is).
    DisableLocalAuth: false
  }
}

output workspaceId string = workspace.id
output workspaceName string = workspace.name
output appInsightsConnectionString string = appInsights.properties.ConnectionString
