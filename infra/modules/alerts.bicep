// Alert rules for the operators: dead letters, function failures, consumer lag and Event Hubs throttling.

param namePrefix string
param location string
param tags object
param actionGroupId string
param logAnalyticsWorkspaceId string

@description('Per domain: { domain, namespaceName, consumers } where consumers counts the consumer groups of its hubs.')
param namespaces array

@description('Dead-letter hubs: [{ namespaceName, hub }].')
param deadLetterHubs array

@description('Failed function invocations per context in 15 minutes that raise an alert.')
param failureThreshold int = 5

@description('Events not yet read by every consumer group of a namespace in 30 minutes that raise an alert.')
param lagThreshold int = 1000

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

// Namespace metrics carry no per-consumer-group lag, so lag is estimated as every incoming event times the number of
// consumer groups (from the catalog) minus what was read; a consumer that stops shows up as a growing backlog.
var expectedReaders = join(map(filter(namespaces, ns => ns.consumers > 0), ns => '"${toLower(ns.namespaceName)}", ${ns.consumers}'), ', ')

resource consumerLag 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}consumer-lag'
  location: location
  tags: tags
  properties: {
    displayName: 'Consumer lag (incoming vs outgoing events)'
    description: 'Consumers read fewer events than were published times their consumer groups: a context is falling behind or stopped.'
    severity: 2
    enabled: true
    scopes: [logAnalyticsWorkspaceId]
    // The workspace is new: AppRequests/AzureMetrics exist only after the first telemetry arrives, and rule creation
    // would otherwise validate the query against missing tables and fail the deployment.
    skipQueryValidation: true
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: 'let readers = datatable(Namespace: string, ConsumerGroups: long) [${expectedReaders}]; AzureMetrics | where ResourceProvider == "MICROSOFT.EVENTHUB" and MetricName in ("IncomingMessages", "OutgoingMessages") | summarize Incoming = sumif(Total, MetricName == "IncomingMessages"), Outgoing = sumif(Total, MetricName == "OutgoingMessages") by Namespace = tolower(Resource) | join kind=inner readers on Namespace | extend Backlog = Incoming * ConsumerGroups - Outgoing | project Namespace, Backlog'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'Backlog'
          dimensions: [
            {
              name: 'Namespace'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'GreaterThan'
          threshold: lagThreshold
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
