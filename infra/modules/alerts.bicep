// Alert rules for the operators: dead letters, function failures, consumer lag and Event Hubs throttling.

param namePrefix string
param location string
param tags object
param actionGroupId string
param logAnalyticsWorkspaceId string

@description('Per domain: { domain, namespaceName }.')
param namespaces array

@description('Dead-letter hubs: [{ namespaceName, hub }].')
param deadLetterHubs array

@description('Failed function invocations per context in 15 minutes that raise an alert.')
param failureThreshold int = 5

@description('Consumer groups a function app reads: [{ hub, consumerGroup, context }].')
param readers array

@description('Name of the eventing kit\'s processing-lag histogram (milliseconds from enqueued time, tags context and hub), exported to AppMetrics.')
param lagMetric string

@description('Processing lag (seconds from enqueued to processed) of one consumer group on one hub that raises an alert.')
param lagThresholdSeconds int = 300

var actions = {
  actionGroups: [actionGroupId]
}

resource deadLetterNamespaces 'Microsoft.EventHub/namespaces@2024-01-01' existing = [
  for target in deadLetterHubs: {
    name: target.namespaceName
  }
]

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for (target, i) in deadLetterHubs: {
    name: '${namePrefix}dead-letters-${target.hub}'
    location: 'global'
    tags: tags
    properties: {
      description: 'An event was dead-lettered: a context could not process it (bad data, schema or rule violation). Inspect ${target.hub}.'
      severity: 2
      enabled: true
      scopes: [deadLetterNamespaces[i].id]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT5M'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: 'dead-letters-incoming'
            metricNamespace: 'Microsoft.EventHub/namespaces'
            metricName: 'IncomingMessages'
            dimensions: [
              {
                name: 'EntityName'
                operator: 'Include'
                values: [target.hub]
              }
            ]
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Total'
          }
        ]
      }
      actions: [
        {
          actionGroupId: actionGroupId
        }
      ]
    }
  }
]

resource throttledNamespaces 'Microsoft.EventHub/namespaces@2024-01-01' existing = [
  for ns in namespaces: {
    name: ns.namespaceName
  }
]

resource throttling 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for (ns, i) in namespaces: {
    name: '${namePrefix}throttled-${ns.domain}'
    location: 'global'
    tags: tags
    properties: {
      description: 'Event Hubs throttled requests on the ${ns.domain} namespace: raise throughput units or slow producers.'
      severity: 2
      enabled: true
      scopes: [throttledNamespaces[i].id]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: 'throttled-requests'
            metricNamespace: 'Microsoft.EventHub/namespaces'
            metricName: 'ThrottledRequests'
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Total'
          }
        ]
      }
      actions: [
        {
          actionGroupId: actionGroupId
        }
      ]
    }
  }
]

resource failures 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}function-failures'
  location: location
  tags: tags
  properties: {
    displayName: 'Function failures per context'
    description: 'Failed function invocations: attempts that failed transiently (a blocked partition retries until the batch succeeds, every attempt counts) or bugs.'
    severity: 2
    enabled: true
    scopes: [logAnalyticsWorkspaceId]
    // The workspace is new: AppRequests/AzureMetrics exist only after the first telemetry arrives, and rule creation
    // would otherwise validate the query against missing tables and fail the deployment.
    skipQueryValidation: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'AppRequests | where Success == false | summarize Failures = sum(ItemCount) by AppRoleName'
          timeAggregation: 'Total'
          metricMeasureColumn: 'Failures'
          dimensions: [
            {
              name: 'AppRoleName'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'GreaterThan'
          threshold: failureThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
}

// Event Hubs metrics know nothing of consumer groups (and outgoing counts include prefetch and re-reads), so lag comes
// from the consumers themselves: each records now minus enqueued time per event, tagged with its context and hub, and
// the catalog maps (context, hub) to the consumer group. A consumer that stops altogether records nothing: a failing one
// raises the failures alert; one that is not running shows as a missing row in the workbook's lag panel.
var readerRows = join(map(readers, r => '"${r.hub}", "${r.consumerGroup}", "${r.context}"'), ', ')

resource consumerLag 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}consumer-lag'
  location: location
  tags: tags
  properties: {
    displayName: 'Consumer lag per hub and consumer group'
    description: 'Events reach a context long after they were enqueued: that consumer group is falling behind on that hub.'
    severity: 2
    enabled: true
    scopes: [logAnalyticsWorkspaceId]
    // The workspace is new: AppMetrics exists only after the first telemetry arrives, and rule creation would otherwise
    // validate the query against a missing table and fail the deployment.
    skipQueryValidation: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'let readers = datatable(Hub: string, ConsumerGroup: string, Context: string) [${readerRows}]; AppMetrics | where Name == "${lagMetric}" | extend Context = tostring(Properties["context"]), Hub = tostring(Properties["hub"]) | summarize LagSeconds = max(Max) / 1000.0 by Context, Hub | join kind=inner readers on Context, Hub | project Hub, ConsumerGroup, LagSeconds'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'LagSeconds'
          dimensions: [
            {
              name: 'Hub'
              operator: 'Include'
              values: ['*']
            }
            {
              name: 'ConsumerGroup'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'GreaterThan'
          threshold: lagThresholdSeconds
          failingPeriods: {
            numberOfEvaluationPeriods: 2
            minFailingPeriodsToAlert: 2
          }
        }
      ]
    }
    actions: actions
  }
}
