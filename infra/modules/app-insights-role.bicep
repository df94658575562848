// Lets an app identity publish telemetry to Application Insights with Entra ID (local auth is disabled).
import { roleIds } from 'role-ids.bicep'

param applicationInsightsName string
param principalId string

@allowed(['ServicePrincipal', 'User'])
param principalType string = 'ServicePrincipal'

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: principalId
    principalType: principalType
  }
}
