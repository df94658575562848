@description('Name of the existing Event Hubs namespace.')
param namespaceName string

@description('Hub name from the catalog.')
param hubName string

@minValue(1)
@maxValue(32)
param partitionCount int

@minValue(1)
@maxValue(168)
@description('Retention in hours (Standard tier: at most 7 days).')
param retentionHours int

@description('One consumer group per consuming context ($Default always exists and is not used by the apps).')
param consumerGroups string[]

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    retentionDescription: {
      cleanupPolicy: 'Delete'
      retentionTimeInHours: retentionHours
    }
  }
}

resource groups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [
  for group in consumerGroups: {
    parent: hub
    name: group
  }
]

output hubId string = hub.id
