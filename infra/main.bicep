// Provisions the whole event-driven store: per-domain Event Hubs namespaces (from schemas/catalog.json),
// one Flex Consumption function app per context with its own identity and storage, and monitoring.
targetScope = 'subscription'

import { roleIds } from 'modules/role-ids.bicep'
import { streams, sendHubs, receiveHubs, connections, anySendHubs, anyReceiveHubs, readers } from 'modules/catalog.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used for the resource group, tags and the resource token.')
param environmentName string

// Regions offering Flex Consumption (Azure-Samples Flex templates; check a new one with
// `az functionapp list-flexconsumption-locations` before adding it here). The archive's redundancy follows the region
// (modules/archive-storage.bicep: ZRS where offered, else GRS, which needs a paired region).
@minLength(1)
@description('Primary location for all resources (must offer Flex Consumption).')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the developer running azd; with developerAccess, gets the same data access as the apps to run them locally against Azure. Empty for none.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
@description('Kind of principalId: User for a developer, ServicePrincipal when azd runs in CI with a service principal.')
param principalType string = 'User'

@description('Grant principalId the apps\' data access (to run them locally against Azure). Off for production: azd then grants the principal nothing.')
param developerAccess bool = true

@description('Object id of an operator allowed to run `rebuild <Context> --azure` (functions/LocalHost) for any context; empty for none.')
param operatorPrincipalId string = ''

@allowed(['User', 'ServicePrincipal'])
@description('Kind of operatorPrincipalId.')
param operatorPrincipalType string = 'User'

@description('Private networking: private endpoints for Event Hubs and storage, VNet integration for the apps. The developer machine then cannot reach the data plane.')
param vnetEnabled bool = false

@description('Optional e-mail address for alert notifications.')
param alertEmail string = ''

@minValue(60)
@maxValue(900)
@description('Event Hubs Capture time window: a capture file is written at least this often per partition (seconds).')
param captureIntervalSeconds int = 300

@minValue(10485760)
@maxValue(524288000)
@description('Event Hubs Capture size window: a capture file is written when this many bytes accumulate, whichever window comes first.')
param captureSizeLimitBytes int = 314572800

// Partitions per hub: a deployment parameter, default from the catalog (schemas/catalog.json "partitions"). Standard tier
// allows 1-32. A hub's partition count cannot be lowered (on Standard, not changed at all) once created: another value
// for a deployed system is a migration to new hubs (README "Partitions"), not a redeploy.
@minValue(1)
@maxValue(32)
@description('Partitions of every event hub (Standard tier: at most 32). Fixed once the hubs exist: changing it means new hubs.')
param eventHubPartitions int = loadJsonContent('../schemas/catalog.json').partitions

// Inventory's stock shards (app setting Inventory__StockShards, read by InventoryRegistration). Fixed once stock exists:
// another value for a deployed system is a migration (README "Partitions").
@minValue(1)
@maxValue(32)
@description('Inventory stock shards N: SKU rows in table partitions stock-<hash(sku) mod N>; 1 keeps one "stock" partition. Fixed once stock exists.')
param inventoryStockShards int = 1

@description('Lock the stream archive against deletion (the system of record; azd down needs the lock removed first).')
param archiveDeleteLock bool = true

@description('Override for the resource group name.')
param resourceGroupName string = ''

var abbrs = loadJsonContent('abbreviations.json')
var developerPrincipalId = developerAccess ? principalId : ''
var catalog = loadJsonContent('../schemas/catalog.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  system: catalog.system
}

// Event Hubs host names are not part of environment().suffixes; these are the documented per-cloud DNS suffixes.
var eventHubsSuffix = environment().name == 'AzureChinaCloud'
  ? 'servicebus.chinacloudapi.cn'
  : environment().name == 'AzureUSGovernment' ? 'servicebus.usgovcloudapi.net' : 'servicebus.windows.net'

var namespaceNames = toObject(
  catalog.domains,
  d => d.name,
  d => '${abbrs.eventHubNamespaces}${d.name}-${resourceToken}'
)

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
    contexts: map(catalog.contexts, c => c.name)
    eventHubsSuffix: eventHubsSuffix
  }
}

// One archive account for the whole system, one container per domain (why: modules/archive-storage.bicep).
var archiveContainers = toObject(catalog.domains, d => d.name, d => 'archive-${d.name}')

module archive 'modules/archive-storage.bicep' = {
  name: 'stream-archive'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}arc${resourceToken}'
    captureIdentityName: '${abbrs.managedIdentityUserAssignedIdentities}capture-${resourceToken}'
    location: location
    tags: tags
    containers: map(catalog.domains, d => archiveContainers[d.name])
    privateNetwork: vnetEnabled
    deleteLock: archiveDeleteLock
  }
}

module domainStreams 'modules/domain-streams.bicep' = [
  for domain in catalog.domains: {
    name: 'streams-${domain.name}'
    scope: rg
    params: {
      domain: domain
      partitionCount: eventHubPartitions
      namespaceName: namespaceNames[domain.name]
      location: location
      tags: tags
      logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
      archive: {
        storageAccountName: archive.outputs.name
        container: archiveContainers[domain.name]
        captureIdentityId: archive.outputs.captureIdentityId
        intervalInSeconds: captureIntervalSeconds
        sizeLimitInBytes: captureSizeLimitBytes
      }
      network: vnetEnabled
        ? {
            privateEndpointSubnetId: network!.outputs.privateEndpointSubnetId
            dnsZoneId: network!.outputs.eventHubsDnsZoneId
          }
        : null
    }
  }
]

module contextApps 'modules/context-app.bicep' = [
  for (context, i) in catalog.contexts: {
    name: 'context-${toLower(context.name)}'
    scope: rg
    dependsOn: [domainStreams]
    params: {
      contextName: context.name
      location: location
      tags: tags
      names: {
        identity: '${abbrs.managedIdentityUserAssignedIdentities}${toLower(context.name)}-${resourceToken}'
        plan: '${abbrs.webServerFarms}${toLower(context.name)}-${resourceToken}'
        app: '${abbrs.webSitesFunctions}${toLower(context.name)}-${resourceToken}'
        hostStorage: take('${abbrs.storageStorageAccounts}h${take(toLower(context.name), 8)}${resourceToken}', 24)
        stateStorage: take('${abbrs.storageStorageAccounts}s${take(toLower(context.name), 8)}${resourceToken}', 24)
        deploymentContainer: 'app-package-${toLower(context.name)}'
      }
      sendHubs: map(sendHubs(catalog, context.name), h => union(h, { namespaceName: namespaceNames[h.domain] }))
      receiveHubs: map(receiveHubs(catalog, context.name), h => union(h, { namespaceName: namespaceNames[h.domain] }))
      connections: map(
        connections(catalog, context.name),
        c => union(c, { fullyQualifiedNamespace: '${namespaceNames[c.domain]}.${eventHubsSuffix}' })
      )
      stateStorageSetting: catalog.stateStorageSetting
      settings: context.name == 'Inventory' ? { Inventory__StockShards: string(inventoryStockShards) } : {}
      applicationInsightsName: monitoring.outputs.applicationInsightsName
      applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
      developerPrincipalId: developerPrincipalId
      developerPrincipalType: principalType
      operatorPrincipalId: operatorPrincipalId
      operatorPrincipalType: operatorPrincipalType
      network: vnetEnabled
        ? {
            appSubnetId: network!.outputs.appSubnetIds[i]
            privateEndpointSubnetId: network!.outputs.privateEndpointSubnetId
            blobDnsZoneId: network!.outputs.blobDnsZoneId
            tableDnsZoneId: network!.outputs.tableDnsZoneId
          }
        : null
    }
  }
]

// The developer gets send/receive on exactly the hubs some app sends to/receives from (deduplicated across contexts),
// plus receive on the dead-letter hub (read with the `operations` consumer group to inspect and replay dead letters).
module developerStreamAccess 'modules/eventhub-roles.bicep' = if (!empty(developerPrincipalId)) {
  name: 'developer-stream-access'
  scope: rg
  dependsOn: [domainStreams]
  params: {
    principalId: developerPrincipalId
    principalType: principalType
    sendHubs: map(anySendHubs(catalog), h => union(h, { namespaceName: namespaceNames[h.domain] }))
    receiveHubs: concat(
      map(anyReceiveHubs(catalog), h => union(h, { namespaceName: namespaceNames[h.domain] })),
      map(filter(streams(catalog), s => s.deadLetter), s => { domain: s.domain, hub: s.hub, namespaceName: namespaceNames[s.domain] })
    )
  }
}

// Local runs export telemetry to the Entra-only Application Insights as the developer.
module developerTelemetryRole 'modules/app-insights-role.bicep' = if (!empty(developerPrincipalId)) {
  name: 'developer-telemetry-role'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: developerPrincipalId
    principalType: principalType
  }
}

// The operator's rebuild (functions/LocalHost `rebuild <Context> --azure`) reads the capture blobs, reads the partition
// properties of the hubs the context consumes and publishes its outputs again (original ids) to the hubs it sends to;
// per context (context-app.bicep) it resets checkpoints in the host storage and rows in the state storage.
module operatorArchiveAccess 'modules/storage-roles.bicep' = if (!empty(operatorPrincipalId)) {
  name: 'operator-archive-access'
  scope: rg
  params: {
    storageAccountName: archive.outputs.name
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionIds: [roleIds.storageBlobDataReader]
  }
}

module operatorStreamAccess 'modules/eventhub-roles.bicep' = if (!empty(operatorPrincipalId)) {
  name: 'operator-stream-access'
  scope: rg
  dependsOn: [domainStreams]
  params: {
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    sendHubs: map(anySendHubs(catalog), h => union(h, { namespaceName: namespaceNames[h.domain] }))
    receiveHubs: map(anyReceiveHubs(catalog), h => union(h, { namespaceName: namespaceNames[h.domain] }))
  }
}

var deadLetterHubs = map(filter(streams(catalog), s => s.deadLetter), s => {
  namespaceName: namespaceNames[s.domain]
  hub: s.hub
})

module actionGroup 'modules/action-group.bicep' = {
  name: 'action-group'
  scope: rg
  params: {
    name: '${abbrs.insightsActionGroups}${resourceToken}'
    tags: tags
    alertEmail: alertEmail
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  dependsOn: [domainStreams]
  params: {
    namePrefix: '${abbrs.insightsMetricAlerts}${environmentName}-'
    location: location
    tags: tags
    actionGroupId: actionGroup.outputs.id
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    namespaces: map(catalog.domains, d => {
      domain: d.name
      namespaceName: namespaceNames[d.name]
    })
    deadLetterHubs: deadLetterHubs
    readers: readers(catalog)
    // The eventing kit's per-consumer lag histogram (functions/Eventing/Processing/EventingMetrics.cs; tests/Infra.Tests checks the name).
    lagMetric: 'store.events.lag'
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    displayName: '${catalog.system} event-driven system (${environmentName})'
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    deadLetterNamespaces: map(deadLetterHubs, h => h.namespaceName)
    // The eventing kit's counter (functions/Eventing/Processing/EventingMetrics.cs; tests/Infra.Tests checks the name).
    deadLetterMetric: 'store.events.dead_lettered'
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString

@description('The stream archive (system of record): storage account and container per domain.')
output STREAM_ARCHIVE object = {
  storageAccount: archive.outputs.name
  containers: archiveContainers
}

@description('Fully qualified Event Hubs namespace per domain.')
output EVENTHUB_NAMESPACES object = toObject(catalog.domains, d => d.name, d => '${namespaceNames[d.name]}.${eventHubsSuffix}')

@description('Per context: the local.settings.json Values written by infra/hooks/postprovision.*')
output LOCAL_SETTINGS array = [
  for (context, i) in catalog.contexts: {
    context: context.name
    values: contextApps[i].outputs.localSettings
  }
]

@description('Per context: the deployed function app name and URL.')
output FUNCTION_APPS array = [
  for (context, i) in catalog.contexts: {
    context: context.name
    name: contextApps[i].outputs.appName
    uri: contextApps[i].outputs.appUri
  }
]
