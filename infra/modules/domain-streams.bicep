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

@description('The stream archive (archive-storage.bicep) and this domain\'s container in it; capture windows.')
param archive {
  storageAccountName: string
  container: string
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
  // Capture writes to the archive as the namespace's own identity (no keys).
  identity: {
    type: 'SystemAssigned'
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

// The capture identity's one grant: write blobs into this domain's archive container, nothing else.
module captureWriter 'archive-writer-role.bicep' = {
  name: 'archive-writer-${domain.name}'
  params: {
    storageAccountName: archive.storageAccountName
    container: archive.container
    principalId: namespace.identity.principalId
  }
}

module hubs 'event-hub.bicep' = [
  for stream in domain.streams: {
    name: 'hub-${stream.hub}'
    // Capture is validated against the destination when the hub is created: the grant must exist first.
    dependsOn: [captureWriter]
    params: {
      namespaceName: namespace.name
      hubName: stream.hub
      partitionCount: partitionCount
      retentionHours: stream.retentionHours
      consumerGroups: map(stream.consumers, c => c.consumerGroup)
      capture: {
        storageAccountId: archiveAccount.id
        container: archive.container
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
