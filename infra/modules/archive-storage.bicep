// The stream archive: the system of record. Event Hubs Capture writes every domain hub here as Avro; a context that joins
// late or is rebuilt bootstraps from it (README "The archive"). One account per system, one container per domain:
// retention, protection, lifecycle and cost are one policy in one place. Capture writes as one user-assigned identity
// created and granted here, before any namespace exists (infra/README.md, "Capture on the first deployment").
// Nothing here ever deletes a blob: retention is forever unless an operator adds a rule.
import { roleIds } from 'role-ids.bicep'

param name string
param location string
param tags object

@description('The user-assigned identity every Event Hubs namespace captures as.')
param captureIdentityName string

@description('One container per domain (archive-<domain>).')
param containers string[]

@minValue(1)
@maxValue(365)
@description('Soft-delete window for blobs, versions and containers, in days (deleted or overwritten history can be restored within it).')
param protectionDays int = 365

@description('Days after which a captured blob moves to the cool tier.')
param coolAfterDays int = 30

@description('Days after which a captured blob moves to the cold tier.')
param coldAfterDays int = 90

@description('Private networking: only trusted Azure services (Event Hubs Capture) reach the account from outside the VNet.')
param privateNetwork bool = false

@description('A CanNotDelete lock on the account (deleting the archive deletes the system of record).')
param deleteLock bool = true

// Regions offering ZRS for standard general-purpose v2 accounts (Microsoft docs, "Azure regions that support
// zone-redundant storage"). Elsewhere the archive is geo-redundant: every other region main.bicep allows has a paired
// region, and GRS keeps a second copy there, where ZRS would fail the deployment.
var zoneRedundantRegions = [
  'australiaeast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'chinanorth3'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'israelcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'mexicocentral'
  'northeurope'
  'norwayeast'
  'polandcentral'
  'qatarcentral'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'spaincentral'
  'swedencentral'
  'switzerlandnorth'
  'uaenorth'
  'uksouth'
  'usgovvirginia'
  'westeurope'
  'westus2'
  'westus3'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: union(tags, { purpose: 'stream-archive' })
  kind: 'StorageV2'
  sku: {
    name: contains(zoneRedundantRegions, toLower(location)) ? 'Standard_ZRS' : 'Standard_GRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Event Hubs Capture writes as a trusted Microsoft service; with private networking nothing else gets in.
      defaultAction: privateNetwork ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: protectionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: protectionDays
    }
  }
}

resource archiveContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'archive-to-cool-then-cold'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: coolAfterDays
                }
                tierToCold: {
                  daysAfterModificationGreaterThan: coldAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource captureIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: captureIdentityName
  location: location
  tags: union(tags, { purpose: 'stream-capture' })
}

// As the Event Hubs Capture docs grant it: on the account. Made here so that every deployment creating a namespace (and
// with it hubs whose capture destination Event Hubs validates) starts only after this module, grant included, completed.
module captureWriter 'storage-roles.bicep' = {
  name: 'stream-archive-capture-writer'
  params: {
    storageAccountName: account.name
    principalId: captureIdentity.properties.principalId
    roleDefinitionIds: [roleIds.storageBlobDataContributor]
  }
}

resource lock 'Microsoft.Authorization/locks@2020-05-01' = if (deleteLock) {
  name: 'system-of-record'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'The stream archive is the system of record; remove this lock deliberately before deleting it.'
  }
}

output name string = account.name
output id string = account.id

@description('Resource id of the capture identity (granted Storage Blob Data Contributor on the account).')
output captureIdentityId string = captureIdentity.id
