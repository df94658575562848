// Least-privilege Event Hubs data roles for one principal, each scoped to a single hub (never the namespace).
import { roleIds } from 'role-ids.bicep'

param principalId string

@allowed(['ServicePrincipal', 'User'])
param principalType string = 'ServicePrincipal'

@description('Hubs the principal may send to: [{ namespaceName, hub }].')
param sendHubs array

@description('Hubs the principal may receive from: [{ namespaceName, hub }].')
param receiveHubs array

resource sendNamespaces 'Microsoft.EventHub/namespaces@2024-01-01' existing = [
  for target in sendHubs: {
    name: target.namespaceName
  }
]

resource sendTargets 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = [
  for (target, i) in sendHubs: {
    parent: sendNamespaces[i]
    name: target.hub
  }
]

resource receiveNamespaces 'Microsoft.EventHub/namespaces@2024-01-01' existing = [
  for target in receiveHubs: {
    name: target.namespaceName
  }
]

resource receiveTargets 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = [
  for (target, i) in receiveHubs: {
    parent: receiveNamespaces[i]
    name: target.hub
  }
]

resource senderRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (target, i) in sendHubs: {
    name: guid(sendTargets[i].id, principalId, roleIds.eventHubsDataSender)
    scope: sendTargets[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.eventHubsDataSender)
      principalId: principalId
      principalType: principalType
    }
  }
]

resource receiverRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (target, i) in receiveHubs: {
    name: guid(receiveTargets[i].id, principalId, roleIds.eventHubsDataReceiver)
    scope: receiveTargets[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.eventHubsDataReceiver)
      principalId: principalId
      principalType: principalType
    }
  }
]
