// Opt-in private networking (vnetEnabled): one VNet with a subnet for private endpoints, one integration subnet per
// function app (Flex Consumption delegates a subnet to Microsoft.App/environments) and the private DNS zones that resolve
// the storage and Event Hubs endpoints to their private addresses inside the VNet.

param name string
param location string
param tags object

@description('Context names in catalog order; context i integrates with subnet app-<context> (10.0.(16+i).0/24).')
param contexts string[]

@description('Event Hubs DNS suffix of the cloud (servicebus.windows.net in the public cloud).')
param eventHubsSuffix string

var privateEndpointSubnet = 'private-endpoints'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: ['10.0.0.0/16']
    }
    subnets: concat(
      [
        {
          name: privateEndpointSubnet
          properties: {
            addressPrefix: '10.0.1.0/24'
            privateEndpointNetworkPolicies: 'Disabled'
          }
        }
      ],
      map(range(0, length(contexts)), i => {
        name: 'app-${toLower(contexts[i])}'
        properties: {
          addressPrefix: '10.0.${16 + i}.0/24'
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      })
    )
  }
}

var zoneNames = [
  { key: 'blob', name: 'privatelink.blob.${environment().suffixes.storage}' }
  { key: 'table', name: 'privatelink.table.${environment().suffixes.storage}' }
  { key: 'namespace', name: 'privatelink.${eventHubsSuffix}' }
]

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in zoneNames: {
    name: zone.name
    location: 'global'
    tags: tags
  }
]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in zoneNames: {
    parent: zones[i]
    name: '${name}-${zone.key}'
    location: 'global'
    tags: tags
    properties: {
      virtualNetwork: {
        id: vnet.id
      }
      registrationEnabled: false
    }
  }
]

output privateEndpointSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, privateEndpointSubnet)

@description('Integration subnet id per context, in the order of the contexts parameter.')
output appSubnetIds string[] = [for context in contexts: resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'app-${toLower(context)}')]

output blobDnsZoneId string = zones[0].id
output tableDnsZoneId string = zones[1].id
output eventHubsDnsZoneId string = zones[2].id
