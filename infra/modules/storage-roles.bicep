// Data-plane roles for one principal on one storage account.

param storageAccountName string
param principalId string

@allowed(['ServicePrincipal', 'User'])
param principalType string = 'ServicePrincipal'

@description('Built-in role definition ids (see role-ids.bicep).')
param roleDefinitionIds string[]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleDefinitionIds: {
    name: guid(account.id, principalId, roleId)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: principalType
    }
  }
]
