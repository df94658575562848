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

@description('Event Hubs Capture into the stream archive as the namespace\'s user-assigned capture identity.')
param capture {
  storageAccountId: string
  container: string
  identityId: string
  @minValue(60)
  @maxValue(900)
  intervalInSeconds: int
  @minValue(10485760)
  @maxValue(524288000)
  sizeLimitInBytes: int
}

// The archive layout the bootstrap reader and the local host's capture writer rely on (Azure's default format).
var archiveNameFormat = '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}'

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
    captureDescription: {
      enabled: true
      encoding: 'Avro'
      intervalInSeconds: capture.intervalInSeconds
      sizeLimitInBytes: capture.sizeLimitInBytes
      // An empty window writes no file; the bootstrap finds gaps by sequence number, not by file count.
      skipEmptyArchives: true
      destination: {
        name: 'EventHubArchive.AzureBlockBlob'
        identity: {
          type: 'UserAssigned'
          userAssignedIdentity: capture.identityId
        }
        properties: {
          storageAccountResourceId: capture.storageAccountId
          blobContainer: capture.container
          archiveNameFormat: archiveNameFormat
        }
      }
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
