// The system's operations workbook: per-context throughput and failures, dead letters, consumer lag and blocked partitions.

param displayName string
param location string
param tags object
param logAnalyticsWorkspaceId string

@description('Namespaces (lowercase) holding dead-letter hubs.')
param deadLetterNamespaces string[]

@description('Name of the eventing kit\'s dead-letter counter (functions/Eventing EventingMetrics), exported to AppMetrics.')
param deadLetterMetric string

var deadLetterNamespaceList = join(map(deadLetterNamespaces, n => '"${toLower(n)}"'), ', ')

var queries = [
  {
    title: 'Throughput per context (function invocations)'
    query: 'AppRequests | summarize Invocations = sum(ItemCount) by AppRoleName, bin(TimeGenerated, 5m) | render timechart'
    visualization: 'timechart'
  }
  {
    title: 'Failures per context'
    query: 'AppRequests | where Success == false | summarize Failures = sum(ItemCount) by AppRoleName, bin(TimeGenerated, 5m) | render timechart'
    visualization: 'timechart'
  }
  {
    title: 'Exceptions per context'
    query: 'AppExceptions | summarize Exceptions = sum(ItemCount) by AppRoleName, ExceptionType | order by Exceptions desc'
    visualization: 'table'
  }
  {
    title: 'Dead letters (events arriving on the dead-letter hubs)'
    query: 'AzureMetrics | where ResourceProvider == "MICROSOFT.EVENTHUB" and tolower(Resource) in (${deadLetterNamespaceList}) and MetricName == "IncomingMessages" | summarize DeadLetters = sum(Total) by bin(TimeGenerated, 5m) | render columnchart'
    visualization: 'barchart'
  }
  {
    title: 'Dead letters sent per context and source hub (custom metric)'
    query: 'AppMetrics | where Name == "${deadLetterMetric}" | summarize DeadLettered = sum(Sum) by Context = tostring(Properties["context"]), Hub = tostring(Properties["hub"]) | order by DeadLettered desc'
    visualization: 'table'
  }
  {
    title: 'Events in vs out per namespace (out counts every consumer group, prefetch and re-reads: not a lag measure)'
    query: 'AzureMetrics | where ResourceProvider == "MICROSOFT.EVENTHUB" and MetricName in ("IncomingMessages", "OutgoingMessages") | summarize Events = sum(Total) by Resource, MetricName, bin(TimeGenerated, 5m) | render timechart'
    visualization: 'timechart'
  }
  {
    title: 'Processing lag from enqueued time per context and hub (custom metrics)'
    query: 'AppMetrics | where Name has "lag" | summarize LagMs = max(Max) by Context = tostring(Properties["context"]), Hub = tostring(Properties["hub"]), bin(TimeGenerated, 5m) | render timechart'
    visualization: 'timechart'
  }
  {
    // Triggers retry transient failures until the batch succeeds (DeliveryRetry): a blocked partition logs every attempt.
    title: 'Blocked partitions (batches retried through an outage; the checkpoint waits)'
    query: 'AppTraces | where Message has "is blocked: attempt" | extend Hub = tostring(Properties.Hub), Partition = tostring(Properties.PartitionId), Attempt = toint(Properties.Attempt) | summarize Attempts = count(), LastAttempt = max(Attempt), Since = min(TimeGenerated), Last = max(TimeGenerated) by AppRoleName, Hub, Partition | order by Last desc'
    visualization: 'table'
  }
  {
    title: 'Event Hubs throttled requests per namespace'
    query: 'AzureMetrics | where ResourceProvider == "MICROSOFT.EVENTHUB" and MetricName == "ThrottledRequests" | summarize Throttled = sum(Total) by Resource, bin(TimeGenerated, 5m) | render timechart'
    visualization: 'timechart'
  }
]

var content = {
  version: 'Notebook/1.0'
  items: concat(
    [
      {
        type: 1
        name: 'title'
        content: {
          json: '## ${displayName}\nEvent-driven store: every context reads its own consumer group; failures end in the dead-letter stream.'
        }
      }
    ],
    map(range(0, length(queries)), i => {
      type: 3
      name: 'query-${i}'
      content: {
        version: 'KqlItem/1.0'
        title: queries[i].title
        query: queries[i].query
        size: 0
        timeContext: {
          durationMs: 86400000
        }
        queryType: 0
        resourceType: 'microsoft.operationalinsights/workspaces'
        visualization: queries[i].visualization
      }
    })
  )
  isLocked: false
  fallbackResourceIds: [logAnalyticsWorkspaceId]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, logAnalyticsWorkspaceId, 'operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: logAnalyticsWorkspaceId
    serializedData: string(content)
  }
}

output id string = workbook.id
