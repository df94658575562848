// One bounded context in Azure: identity, host and state storage, Flex Consumption app, and only the grants it needs.
import { roleIds } from 'role-ids.bicep'

@description('Context name from the catalog (e.g. Sales).')
param contextName string

param location string
param tags object

@description('Resource names computed by main.bicep from the abbreviations table and the resource token.')
param names {
  identity: string
  plan: string
  app: string
  hostStorage: string
  stateStorage: string
  deploymentContainer: string
}

@description('Hubs the context sends to: [{ domain, hub, namespaceName }].')
param sendHubs array

@description('Hubs the context consumes: [{ domain, hub, namespaceName, consumerGroup }].')
param receiveHubs array

@description('Connection settings the context needs: [{ domain, setting, fullyQualifiedNamespace }].')
param connections array

@description('App setting prefix of the state store (catalog stateStorageSetting).')
param stateStorageSetting string

@description('The context\'s own app settings (e.g. Inventory__StockShards), added to the connection and identity settings.')
param settings object = {}

param applicationInsightsName string
param applicationInsightsConnectionString string

@description('Developer principal granted the same data access to run the app locally against Azure; empty for none.')
param developerPrincipalId string = ''

@allowed(['ServicePrincipal', 'User'])
@description('Kind of the developer principal: User for a person, ServicePrincipal when azd runs in CI.')
param developerPrincipalType string = 'User'

@description('Operator principal allowed to rebuild the context (`rebuild <Context> --azure`); empty for none.')
param operatorPrincipalId string = ''

@allowed(['ServicePrincipal', 'User'])
param operatorPrincipalType string = 'User'

@description('Private networking: the subnet the app integrates with and the private endpoint wiring; null for public endpoints.')
param network {
  appSubnetId: string
  privateEndpointSubnetId: string
  blobDnsZoneId: string
  tableDnsZoneId: string
}?

module identity 'identity.bicep' = {
  name: '${toLower(contextName)}-identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module hostStorage 'storage-account.bicep' = {
  name: '${toLower(contextName)}-host-storage'
  params: {
    name: names.hostStorage
    location: location
    tags: union(tags, { purpose: 'functions-host' })
    containers: [names.deploymentContainer]
    privateNetwork: network != null
  }
}

module stateStorage 'storage-account.bicep' = {
  name: '${toLower(contextName)}-state-storage'
  params: {
    name: names.stateStorage
    location: location
    tags: union(tags, { purpose: 'state' })
    privateNetwork: network != null
  }
}

var connectionSettings = toObject(
  flatten(map(connections, c => [
    { key: '${c.setting}__fullyQualifiedNamespace', value: c.fullyQualifiedNamespace }
    { key: '${c.setting}__credential', value: 'managedidentity' }
    { key: '${c.setting}__clientId', value: identity.outputs.clientId }
  ])),
  e => e.key,
  e => e.value
)

// Endpoints come from the accounts themselves (primaryEndpoints), so every cloud gets its own DNS suffixes.
// The state store is read by Microsoft.Extensions.Azure's AddTableServiceClient(section), which binds the TableServiceClient
// constructor parameters: the key must be `endpoint` (a `serviceUri` key matches no constructor and the app fails at start).

module app 'function-app.bicep' = {
  name: '${toLower(contextName)}-function-app'
  params: {
    name: names.app
    planName: names.plan
    location: location
    tags: tags
    serviceName: toLower(contextName)
    identityId: identity.outputs.id
    hostStorageBlobEndpoint: hostStorage.outputs.blobEndpoint
    deploymentContainerName: names.deploymentContainer
    virtualNetworkSubnetId: network.?appSubnetId ?? ''
    appSettings: union(connectionSettings, settings, {
      AzureWebJobsStorage__blobServiceUri: hostStorage.outputs.blobEndpoint
      AzureWebJobsStorage__tableServiceUri: hostStorage.outputs.tableEndpoint
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.outputs.clientId
      '${stateStorageSetting}__endpoint': stateStorage.outputs.tableEndpoint
      '${stateStorageSetting}__credential': 'managedidentity'
      '${stateStorageSetting}__clientId': identity.outputs.clientId
      AZURE_CLIENT_ID: identity.outputs.clientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
      OTEL_SERVICE_NAME: contextName
    })
  }
}

module eventHubRoles 'eventhub-roles.bicep' = {
  name: '${toLower(contextName)}-eventhub-roles'
  params: {
    principalId: identity.outputs.principalId
    sendHubs: sendHubs
    receiveHubs: receiveHubs
  }
}

// What the Functions host on Flex Consumption needs from AzureWebJobsStorage here (as the azd Event Hubs quickstart grants):
// blobs for the deployment package, host locks/leases and Event Hubs checkpoints; tables for the host's diagnostic events.
// No queues: they serve only Durable Functions and blob triggers, which the apps do not use.
module hostStorageRoles 'storage-roles.bicep' = {
  name: '${toLower(contextName)}-host-storage-roles'
  params: {
    storageAccountName: hostStorage.outputs.name
    principalId: identity.outputs.principalId
    roleDefinitionIds: [roleIds.storageBlobDataOwner, roleIds.storageTableDataContributor]
  }
}

module stateStorageRoles 'storage-roles.bicep' = {
  name: '${toLower(contextName)}-state-storage-roles'
  params: {
    storageAccountName: stateStorage.outputs.name
    principalId: identity.outputs.principalId
    roleDefinitionIds: [roleIds.storageTableDataContributor]
  }
}

module telemetryRole 'app-insights-role.bicep' = {
  name: '${toLower(contextName)}-telemetry-role'
  params: {
    applicationInsightsName: applicationInsightsName
    principalId: identity.outputs.principalId
  }
}

module developerStateRoles 'storage-roles.bicep' = if (!empty(developerPrincipalId)) {
  name: '${toLower(contextName)}-developer-state-roles'
  params: {
    storageAccountName: stateStorage.outputs.name
    principalId: developerPrincipalId
    principalType: developerPrincipalType
    roleDefinitionIds: [roleIds.storageTableDataContributor]
  }
}

// The rebuild deletes and writes checkpoint blobs in the host storage (no Owner: it sets no ACLs or tags) and deletes and
// rewrites the context's rows in the state storage.
module operatorHostRoles 'storage-roles.bicep' = if (!empty(operatorPrincipalId)) {
  name: '${toLower(contextName)}-operator-host-storage-roles'
  params: {
    storageAccountName: hostStorage.outputs.name
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionIds: [roleIds.storageBlobDataContributor]
  }
}

module operatorStateRoles 'storage-roles.bicep' = if (!empty(operatorPrincipalId)) {
  name: '${toLower(contextName)}-operator-state-storage-roles'
  params: {
    storageAccountName: stateStorage.outputs.name
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionIds: [roleIds.storageTableDataContributor]
  }
}

// With private networking, each account is reachable only through private endpoints in the VNet (host: blob and table,
// state: table), resolved through the private DNS zones linked to it.
module hostStorageEndpoints 'private-endpoint.bicep' = [
  for service in (network == null ? [] : ['blob', 'table']): {
    name: '${toLower(contextName)}-host-storage-pe-${service}'
    params: {
      name: '${names.hostStorage}-${service}'
      location: location
      tags: tags
      subnetId: network!.privateEndpointSubnetId
      targetId: hostStorage.outputs.id
      groupId: service
      dnsZoneId: service == 'blob' ? network!.blobDnsZoneId : network!.tableDnsZoneId
    }
  }
]

module stateStorageEndpoint 'private-endpoint.bicep' = if (network != null) {
  name: '${toLower(contextName)}-state-storage-pe-table'
  params: {
    name: '${names.stateStorage}-table'
    location: location
    tags: tags
    subnetId: network!.privateEndpointSubnetId
    targetId: stateStorage.outputs.id
    groupId: 'table'
    dnsZoneId: network!.tableDnsZoneId
  }
}

output appName string = app.outputs.name
output appUri string = 'https://${app.outputs.defaultHostName}'
output identityClientId string = identity.outputs.clientId
output identityPrincipalId string = identity.outputs.principalId

@description('local.settings.json values to run this app on a developer machine against the provisioned resources (developer credential, Azurite for the host).')
output localSettings object = union(toObject(connections, c => '${c.setting}__fullyQualifiedNamespace', c => c.fullyQualifiedNamespace), {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  '${stateStorageSetting}__endpoint': stateStorage.outputs.tableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  OTEL_SERVICE_NAME: contextName
})
