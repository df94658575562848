// One domain's streams: its own Event Hubs namespace (Entra ID only), its hubs and one consumer group per consuming context.

@description('The domain entry of schemas/catalog.json.')
param domain object

param namespaceName string
param location string
param tags object

@description('Log Analytics workspace receiving the namespace metrics (throughput, lag and throttling in the workbook and alerts).')
param logAnalyticsWorkspaceId string

@description('Private networking: the namespace is reachable only through a private endpoint; null for public access.')
param network {
  privateEndpointSubnetId: string
  dnsZoneId: string
}?

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: union(tags, { domain: domain.name })
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

module hubs 'event-hub.bicep' = [
  for stream in domain.streams: {
    name: 'hub-${stream.hub}'
    params: {
      namespaceName: namespace.name
      hubName: stream.hub
      partitionCount: stream.partitions
      retentionHours: stream.retentionHours
      consumerGroups: map(stream.consumers, c => c.consumerGroup)
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
