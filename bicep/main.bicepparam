using 'main.bicep'

// Deployment parameters. Secrets are read from environment variables at deploy time so that they never sit in
// this file: export them first (README.md, "Deploy"). A missing variable fails the deployment before it starts.

param namePrefix = 'terraflow'
param secondaryLocation = readEnvironmentVariable('TERRAFLOW_SECONDARY_LOCATION', 'northeurope')

param githubAppId = readEnvironmentVariable('TERRAFLOW_GITHUB_APP_ID')
param githubApiUrl = 'https://api.github.com'
param githubAppPrivateKeyPem = readEnvironmentVariable('TERRAFLOW_GITHUB_APP_PRIVATE_KEY')
param githubWebhookSecret = readEnvironmentVariable('TERRAFLOW_GITHUB_WEBHOOK_SECRET')

param postgresAdministratorPassword = readEnvironmentVariable('TERRAFLOW_POSTGRES_ADMIN_PASSWORD')
param postgresEntraAdminObjectId = readEnvironmentVariable('TERRAFLOW_POSTGRES_ENTRA_ADMIN_OBJECT_ID')
param postgresEntraAdminName = readEnvironmentVariable('TERRAFLOW_POSTGRES_ENTRA_ADMIN_NAME')
param postgresEntraAdminType = 'Group'

// Recommended for production: RTO minutes and RPO < 5 min instead of geo-restore's RPO < 1 h.
param enablePostgresReadReplica = true

param runnerImageTag = readEnvironmentVariable('TERRAFLOW_RUNNER_IMAGE_TAG', 'latest')
param deployRunnerJob = bool(readEnvironmentVariable('TERRAFLOW_DEPLOY_RUNNER_JOB', 'true'))
