// One domain's streams: its own Event Hubs namespace (Entra ID only), its hubs and one consumer group per consuming context,
// and Event Hubs Capture of every hub into the domain's container of the stream archive (archive-storage.bicep).

@description('The domain entry of schemas/catalog.json.')
param domain object

@minValue(1)
@maxValue(32)
@description('Partitions of every hub of the domain (main.bicep eventHubPartitions).')
param partitionCount int

param namespaceName string
param location string
param tags object

@description('Log Analytics workspace receiving the namespace metrics (throughput, lag and throttling in the workbook and alerts).')
param logAnalyticsWorkspaceId string

@description('The stream archive (archive-storage.bicep), this domain\'s container in it, the identity Capture writes as (already granted) and the capture windows.')
param archive {
  storageAccountName: string
  container: string
  captureIdentityId: string
  intervalInSeconds: int
  sizeLimitInBytes: int
}

@description('Private networking: the namespace is reachable only through a private endpoint; null for public access.')
param network {
  privateEndpointSubnetId: string
  dnsZoneId: string
}?

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: union(tags, { domain: domain.name })
  // Capture writes to the archive as this identity (no keys); its grant was made before the namespace.
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${archive.captureIdentityId}': {}
    }
  }
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: network == null ? 'Enabled' : 'Disabled'
    isAutoInflateEnabled: false
    zoneRedundant: false
  }
}

resource archiveAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: archive.storageAccountName
}

module hubs 'event-hub.bicep' = [
  for stream in domain.streams: {
    name: 'hub-${stream.hub}'
    params: {
      namespaceName: namespace.name
      hubName: stream.hub
      partitionCount: partitionCount
      retentionHours: stream.retentionHours
      consumerGroups: map(stream.consumers, c => c.consumerGroup)
      capture: {
        storageAccountId: archiveAccount.id
        container: archive.container
        identityId: archive.captureIdentityId
        intervalInSeconds: archive.intervalInSeconds
        sizeLimitInBytes: archive.sizeLimitInBytes
      }
    }
  }
]

module privateEndpoint 'private-endpoint.bicep' = if (network != null) {
  name: 'streams-${domain.name}-pe'
  params: {
    name: namespace.name
    location: location
    tags: tags
    subnetId: network!.privateEndpointSubnetId
    targetId: namespace.id
    groupId: 'namespace'
    dnsZoneId: network!.dnsZoneId
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

output namespaceName string = namespace.name
output namespaceId string = namespace.id
