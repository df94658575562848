param name string
param tags object

@description('Optional e-mail address that receives the alerts; empty for none.')
param alertEmail string = ''

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('store-ops', 12)
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operations-email'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

output id string = actionGroup.id
