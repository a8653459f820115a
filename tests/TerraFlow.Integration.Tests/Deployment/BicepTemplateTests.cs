namespace TerraFlow.Integration.Tests.Deployment;

/// <summary>
/// Shape checks of the Azure deployment (bicep/). They cannot prove the templates deploy - no Bicep compiler or Azure
/// runs here - but they catch a broken module path, a required parameter missing from the parameter files, a lost
/// safety setting (duplicate detection, versioning, geo backup, purge protection) or an unreviewed API version.
/// </summary>
public sealed class BicepTemplateTests
{
    [Fact]
    public void Every_referenced_module_file_exists()
    {
        var references = 0;
        foreach (var file in BicepSource.AllBicepFiles())
        {
            foreach (var module in BicepSource.ModuleReferences(File.ReadAllText(file)))
            {
                references++;
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, module));
                Assert.True(File.Exists(target), $"{Path.GetRelativePath(BicepSource.Folder, file)} references missing module '{module}'");
            }
        }
        Assert.True(references >= 9, $"expected main, standby and compute to reference their modules; found {references}");
    }

    [Theory]
    [InlineData("main.bicep", "main.bicepparam")]
    [InlineData("standby.bicep", "standby.bicepparam")]
    public void Every_parameter_without_a_default_is_set_in_the_parameters_file(string template, string parameterFile)
    {
        var declared = BicepSource.Parameters(BicepSource.Read(template));
        var parameters = BicepSource.Read(parameterFile);
        var assigned = BicepSource.AssignedParameters(parameters);

        Assert.Contains($"using '{template}'", parameters);
        Assert.NotEmpty(declared);
        foreach (var (name, hasDefault) in declared)
            if (!hasDefault) Assert.True(assigned.Contains(name), $"{parameterFile} does not set required parameter '{name}'");
        // The other direction catches a typo: setting a parameter the template does not declare fails the deployment.
        foreach (var name in assigned)
            Assert.True(declared.ContainsKey(name), $"{parameterFile} sets '{name}', which {template} does not declare");
    }

    [Fact]
    public void Secrets_are_secure_parameters_read_from_the_environment_not_written_in_the_file()
    {
        var main = BicepSource.Read("main.bicep");
        var parameters = BicepSource.Read("main.bicepparam");
        foreach (var secret in new[] { "githubAppPrivateKeyPem", "githubWebhookSecret", "postgresAdministratorPassword" })
        {
            Assert.Matches($@"@secure\(\)\s*\nparam {secret} string", main);
            Assert.Matches($@"param {secret} = readEnvironmentVariable\('TERRAFLOW_[A-Z_]+'\)", parameters);
        }
    }

    [Fact]
    public void Roles_use_the_built_in_role_definition_ids()
    {
        var roles = BicepSource.Read("modules/roles.bicep");
        Assert.Contains("'69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender", roles);
        Assert.Contains("'4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver", roles);
        Assert.Contains("'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor", roles);
        Assert.Contains("'4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User", roles);
        // Least privilege: queue roles on single queues, blob role on the container, never on the namespace/account.
        Assert.Contains("scope: sendQueue", BicepSource.Block(roles, "sender"));
        Assert.Contains("scope: receiveQueue", BicepSource.Block(roles, "receiver"));
        Assert.Contains("scope: container", BicepSource.Block(roles, "blobContributor"));
        Assert.DoesNotContain("Owner", roles);
    }

    [Fact]
    public void Function_app_sends_jobs_and_receives_results_and_runners_do_the_opposite()
    {
        var compute = BicepSource.Read("modules/compute.bicep");
        var function = BicepSource.Block(compute, "functionAppRoles");
        Assert.Contains("sendQueueName: jobsQueue", function);
        Assert.Contains("receiveQueueName: resultsQueue", function);
        var runner = BicepSource.Block(compute, "runnerRoles");
        Assert.Contains("sendQueueName: resultsQueue", runner);
        Assert.Contains("receiveQueueName: jobsQueue", runner);
        Assert.Contains("var jobsQueue = 'jobs'", compute);
        Assert.Contains("var resultsQueue = 'results'", compute);
    }

    [Fact]
    public void Service_bus_roles_are_one_queue_each_way_and_the_runner_names_its_user_assigned_identity()
    {
        var compute = BicepSource.Read("modules/compute.bicep");
        var runner = BicepSource.Block(compute, "runnerRoles");
        Assert.Contains("sendQueueName: resultsQueue", runner);   // Data Sender on results only
        Assert.Contains("receiveQueueName: jobsQueue", runner);   // Data Receiver on jobs only
        var functionApp = BicepSource.Block(compute, "functionAppRoles");
        Assert.Contains("sendQueueName: jobsQueue", functionApp);
        Assert.Contains("receiveQueueName: resultsQueue", functionApp);
        // DefaultAzureCredential picks a user-assigned identity only by its client id.
        Assert.Contains("TerraFlow__ServiceBus__ManagedIdentityClientId: runnerIdentity.properties.clientId", compute);
        // No Service Bus trigger, so no trigger connection setting.
        Assert.DoesNotContain("ServiceBusConnection__fullyQualifiedNamespace:", compute);
        var serviceBus = BicepSource.Read("modules/servicebus.bicep");
        Assert.Contains("disableLocalAuth: true", serviceBus);
        // Results wait out a Function App outage and are dead-lettered, not dropped, if they ever expire.
        var results = BicepSource.Block(serviceBus, "results");
        Assert.Contains("deadLetteringOnMessageExpiration: true", results);
        Assert.Contains("defaultMessageTimeToLive: 'P14D'", results);
    }

    [Theory]
    [InlineData("jobs")]
    [InlineData("results")]
    public void Queues_have_duplicate_detection_lock_duration_and_delivery_limit(string queue)
    {
        var serviceBus = BicepSource.Read("modules/servicebus.bicep");
        var block = BicepSource.Block(serviceBus, queue);
        Assert.Contains("'Microsoft.ServiceBus/namespaces/queues@", serviceBus);
        Assert.Contains($"name: '{queue}'", block);
        Assert.Contains("requiresDuplicateDetection: true", block);
        Assert.Matches(@"duplicateDetectionHistoryTimeWindow: 'PT\d+[HM]'", block);
        Assert.Matches(@"lockDuration: 'PT[1-5]M'", block); // Service Bus allows at most 5 minutes
        Assert.Matches(@"maxDeliveryCount: \d+", block);
    }

    [Fact]
    public void Service_bus_is_premium_entra_only_and_geo_replicated()
    {
        var block = BicepSource.Block(BicepSource.Read("modules/servicebus.bicep"), "namespace");
        Assert.Contains("name: 'Premium'", block);
        Assert.Contains("disableLocalAuth: true", block);
        Assert.Contains("geoDataReplication:", block);
        Assert.Contains("roleType: 'Primary'", block);
        Assert.Contains("roleType: 'Secondary'", block);
        Assert.Contains("maxReplicationLagDurationInSeconds:", block);
    }

    [Fact]
    public void Artifacts_storage_is_gzrs_versioned_soft_deleted_private_and_keyless()
    {
        var storage = BicepSource.Read("modules/storage.bicep");
        Assert.Contains("param skuName string = 'Standard_GZRS'", storage);
        var account = BicepSource.Block(storage, "account");
        Assert.Contains("kind: 'StorageV2'", account);
        Assert.Contains("allowSharedKeyAccess: false", account);
        Assert.Contains("allowBlobPublicAccess: false", account);
        var blob = BicepSource.Block(storage, "blobService");
        Assert.Contains("isVersioningEnabled: true", blob);
        Assert.Matches(@"deleteRetentionPolicy: \{\s*enabled: true", blob);
        Assert.Matches(@"containerDeleteRetentionPolicy: \{\s*enabled: true", blob);
        var container = BicepSource.Block(storage, "artifacts");
        Assert.Contains("name: 'artifacts'", container);
        Assert.Contains("publicAccess: 'None'", container);
    }

    [Fact]
    public void Postgres_has_zone_redundant_ha_geo_backup_entra_auth_and_an_optional_replica()
    {
        var postgres = BicepSource.Read("modules/postgres.bicep");
        var server = BicepSource.Block(postgres, "server");
        Assert.Contains("geoRedundantBackup: 'Enabled'", server);
        Assert.Matches(@"highAvailability: \{\s*mode: 'ZoneRedundant'", server);
        Assert.Contains("activeDirectoryAuth: 'Enabled'", server);
        Assert.Contains("resource replica 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (enableReadReplica)", postgres);
        Assert.Contains("createMode: 'Replica'", BicepSource.Block(postgres, "replica"));
        Assert.Contains("param enableReadReplica bool", postgres);
    }

    [Fact]
    public void Key_vault_uses_rbac_and_purge_protection_and_apps_reference_it()
    {
        var vault = BicepSource.Block(BicepSource.Read("modules/keyvault.bicep"), "vault");
        Assert.Contains("enableRbacAuthorization: true", vault);
        Assert.Contains("enablePurgeProtection: true", vault);
        var compute = BicepSource.Read("modules/compute.bicep");
        foreach (var setting in new[] { "ConnectionStrings__Postgres", "TerraFlow__GitHub__PrivateKeyPem", "TerraFlow__GitHub__WebhookSecret" })
            Assert.Matches($@"{setting}: '@Microsoft\.KeyVault\(SecretUri=\$\{{secretUris\.\w+\}}\)'", compute);
    }

    [Fact]
    public void Function_app_is_a_dotnet_isolated_worker_with_a_system_assigned_identity()
    {
        var site = BicepSource.Block(BicepSource.Read("modules/functionapp.bicep"), "site");
        Assert.Contains("type: 'SystemAssigned'", site);
        // On Flex Consumption the worker runtime and its version are set here (not as FUNCTIONS_WORKER_RUNTIME).
        Assert.Matches(@"runtime: \{\s*name: 'dotnet-isolated'\s*version: '10\.0'\s*\}", site);
        Assert.Contains("kind: 'functionapp,linux'", site);
        // No custom-handler or Service Bus trigger settings are left: the app has neither.
        var compute = BicepSource.Read("modules/compute.bicep");
        Assert.DoesNotContain("ServiceBusConnection__", compute);
        Assert.DoesNotContain("FUNCTIONS_CUSTOMHANDLER", compute);
    }

    [Fact]
    public void Runner_job_is_scaled_by_the_service_bus_scaler_on_the_jobs_queue_with_its_own_identity()
    {
        var job = BicepSource.Block(BicepSource.Read("modules/runnerjob.bicep"), "job");
        Assert.Contains("triggerType: 'Event'", job);
        Assert.Contains("type: 'azure-servicebus'", job);
        Assert.Contains("queueName: jobsQueueName", job);
        Assert.Contains("type: 'UserAssigned'", job);
        Assert.Contains("identity: identityId", job);
        Assert.Contains("jobsQueueName: jobsQueue", BicepSource.Block(BicepSource.Read("modules/compute.bicep"), "runnerJob"));
    }

    [Fact]
    public void Runner_job_gets_no_database_connection_string_and_reads_only_the_app_key_from_key_vault()
    {
        // Issue 9: runners on Service Bus need no database, and Terraform in them must find nothing of TerraFlow's.
        var module = BicepSource.Read("modules/runnerjob.bicep");
        Assert.DoesNotContain("ConnectionStrings__Postgres", module);
        Assert.DoesNotContain("postgres", module, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SigningKey", module);
        Assert.DoesNotContain("WebhookSecret", module);
        var job = BicepSource.Block(module, "job");
        Assert.Contains("name: 'TerraFlow__GitHub__PrivateKeyPem'", module);
        Assert.Contains("keyVaultUrl: githubAppPrivateKeySecretUri", job);

        var compute = BicepSource.Read("modules/compute.bicep");
        var call = BicepSource.Block(compute, "runnerJob");
        Assert.DoesNotContain("postgres", call, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("keyVaultSecretNames: ['github-app-private-key']", BicepSource.Block(compute, "runnerRoles"));
        var runnerSettings = compute[compute.IndexOf("var runnerSettings", StringComparison.Ordinal)..compute.IndexOf("module functionApp", StringComparison.Ordinal)];
        Assert.DoesNotContain("ConnectionStrings", runnerSettings);

        // The role is on each named secret; the whole vault only when no names are given (the Function App).
        var roles = BicepSource.Read("modules/roles.bicep");
        Assert.Contains("scope: readableSecrets[i]", roles);
        Assert.Contains("= if (empty(keyVaultSecretNames)) {", roles);
    }

    [Fact]
    public void Every_bicep_file_has_balanced_brackets()
    {
        foreach (var file in BicepSource.AllBicepFiles())
        {
            var problem = BicepSource.FirstUnbalancedBracket(File.ReadAllText(file));
            Assert.True(problem is null, $"{Path.GetRelativePath(BicepSource.Folder, file)}: {problem}");
        }
    }

    [Fact]
    public void Every_resource_type_uses_a_reviewed_api_version()
    {
        // The versions chosen in bicep/README.md ("API versions"); change both together after checking the new one.
        var reviewed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Microsoft.Web/sites"] = "2024-04-01",
            ["Microsoft.Web/sites/config"] = "2024-04-01",
            ["Microsoft.Web/serverfarms"] = "2024-04-01",
            ["Microsoft.ServiceBus/namespaces"] = "2024-01-01",
            ["Microsoft.ServiceBus/namespaces/queues"] = "2024-01-01",
            ["Microsoft.Storage/storageAccounts"] = "2025-06-01",
            ["Microsoft.Storage/storageAccounts/blobServices"] = "2025-01-01",
            ["Microsoft.Storage/storageAccounts/blobServices/containers"] = "2025-01-01",
            ["Microsoft.DBforPostgreSQL/flexibleServers"] = "2024-08-01",
            ["Microsoft.DBforPostgreSQL/flexibleServers/administrators"] = "2024-08-01",
            ["Microsoft.DBforPostgreSQL/flexibleServers/databases"] = "2024-08-01",
            ["Microsoft.DBforPostgreSQL/flexibleServers/firewallRules"] = "2024-08-01",
            ["Microsoft.DBforPostgreSQL/flexibleServers/virtualendpoints"] = "2024-08-01",
            ["Microsoft.App/jobs"] = "2026-01-01",
            ["Microsoft.App/managedEnvironments"] = "2024-03-01",
            ["Microsoft.KeyVault/vaults"] = "2024-11-01",
            ["Microsoft.KeyVault/vaults/secrets"] = "2024-11-01",
            ["Microsoft.Insights/components"] = "2020-02-02",
            ["Microsoft.OperationalInsights/workspaces"] = "2025-07-01",
            ["Microsoft.Authorization/roleAssignments"] = "2022-04-01",
            ["Microsoft.ManagedIdentity/userAssignedIdentities"] = "2023-01-31",
            ["Microsoft.ContainerRegistry/registries"] = "2023-07-01",
            ["Microsoft.ContainerRegistry/registries/replications"] = "2023-07-01",
        };
        var seen = 0;
        foreach (var file in BicepSource.AllBicepFiles())
        {
            foreach (var (type, version) in BicepSource.ResourceTypes(File.ReadAllText(file)))
            {
                seen++;
                Assert.True(reviewed.TryGetValue(type, out var expected), $"{Path.GetFileName(file)} uses unreviewed type {type}");
                Assert.True(expected == version, $"{Path.GetFileName(file)}: {type}@{version}, reviewed version is {expected}");
                Assert.DoesNotContain("preview", version);
            }
        }
        Assert.True(seen >= 20, $"expected the templates to declare their resources; found {seen} typed declarations");
    }
}
