// One private endpoint to one sub-resource (blob, table, namespace) with its A record in the matching private DNS zone.

param name string
param location string
param tags object

@description('Subnet holding the private endpoints.')
param subnetId string

@description('Resource the endpoint connects to (storage account or Event Hubs namespace).')
param targetId string

@description('Private link sub-resource: blob, table or namespace.')
param groupId string

@description('Private DNS zone (linked to the VNet) that receives the endpoint\'s A record.')
param dnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-${name}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetId
          groupIds: [groupId]
        }
      }
    ]
  }
}

resource dnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: {
          privateDnsZoneId: dnsZoneId
        }
      }
    ]
  }
}
