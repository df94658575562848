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

param applicationInsightsName string
param applicationInsightsConnectionString string

@description('Developer principal granted the same data access to run the app locally against Azure; empty for none.')
param developerPrincipalId string = ''

module identity 'identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module hostStorage 'storage-account.bicep' = {
  name: 'host-storage'
  params: {
    name: names.hostStorage
    location: location
    tags: union(tags, { purpose: 'functions-host' })
    containers: [names.deploymentContainer]
  }
}

module stateStorage 'storage-account.bicep' = {
  name: 'state-storage'
  params: {
    name: names.stateStorage
    location: location
    tags: union(tags, { purpose: 'state' })
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

var stateServiceUri = 'https://${names.stateStorage}.table.${environment().suffixes.storage}'

module app 'function-app.bicep' = {
  name: 'function-app'
  params: {
    name: names.app
    planName: names.plan
    location: location
    tags: tags
    serviceName: toLower(contextName)
    identityId: identity.outputs.id
    hostStorageBlobEndpoint: hostStorage.outputs.blobEndpoint
    deploymentContainerName: names.deploymentContainer
    appSettings: union(connectionSettings, {
      AzureWebJobsStorage__accountName: hostStorage.outputs.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.outputs.clientId
      '${stateStorageSetting}__serviceUri': stateServiceUri
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
  name: 'eventhub-roles'
  params: {
    principalId: identity.outputs.principalId
    sendHubs: sendHubs
    receiveHubs: receiveHubs
  }
}

// The host keeps Event Hubs checkpoints, leases and the deployment package in blobs; it uses no queues or tables here.
module hostStorageRoles 'storage-roles.bicep' = {
  name: 'host-storage-roles'
  params: {
    storageAccountName: hostStorage.outputs.name
    principalId: identity.outputs.principalId
    roleDefinitionIds: [roleIds.storageBlobDataOwner]
  }
}

module stateStorageRoles 'storage-roles.bicep' = {
  name: 'state-storage-roles'
  params: {
    storageAccountName: stateStorage.outputs.name
    principalId: identity.outputs.principalId
    roleDefinitionIds: [roleIds.storageTableDataContributor]
  }
}

module telemetryRole 'app-insights-role.bicep' = {
  name: 'telemetry-role'
  params: {
    applicationInsightsName: applicationInsightsName
    principalId: identity.outputs.principalId
  }
}

module developerStateRoles 'storage-roles.bicep' = if (!empty(developerPrincipalId)) {
  name: 'developer-state-roles'
  params: {
    storageAccountName: stateStorage.outputs.name
    principalId: developerPrincipalId
    principalType: 'User'
    roleDefinitionIds: [roleIds.storageTableDataContributor]
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
  '${stateStorageSetting}__serviceUri': stateServiceUri
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  OTEL_SERVICE_NAME: contextName
})
