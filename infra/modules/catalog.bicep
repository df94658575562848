// Pure functions over schemas/catalog.json. main.bicep derives every stream, consumer group and
// least-privilege grant from these, so ownership and consumption live only in the catalog.

@export()
@description('Every stream of every domain, flattened, with its domain, connection setting and the contexts allowed to send to it.')
func streams(catalog object) array =>
  flatten(map(catalog.domains, domain => map(domain.streams, stream => {
    domain: domain.name
    connection: domain.connection
    hub: stream.hub
    deadLetter: stream.?deadLetter ?? false
    // A stream's owner is its only sender; every context of the catalog may send to the dead-letter stream.
    senders: stream.?senders ?? ((stream.?deadLetter ?? false) ? map(catalog.contexts, c => c.name) : [domain.owner])
    consumers: stream.consumers
  })))

@export()
@description('The hubs a context may send to: the streams it owns plus the dead-letter stream.')
func sendHubs(catalog object, context string) array =>
  map(filter(streams(catalog), s => contains(s.senders, context)), s => {
    domain: s.domain
    hub: s.hub
  })

@export()
@description('The hubs a context consumes, each with the context\'s own consumer group.')
func receiveHubs(catalog object, context string) array =>
  flatten(map(streams(catalog), s => map(filter(s.consumers, c => c.context == context), c => {
    domain: s.domain
    hub: s.hub
    consumerGroup: c.consumerGroup
  })))

@export()
@description('The connection setting names (one per domain) a context needs, in catalog order.')
func connections(catalog object, context string) array =>
  map(filter(catalog.domains, d => contains(union(map(sendHubs(catalog, context), h => h.domain), map(receiveHubs(catalog, context), h => h.domain)), d.name)), d => {
    domain: d.name
    setting: d.connection
  })

@export()
@description('Hubs that at least one function app sends to (the developer gets the same rights to run apps locally).')
func anySendHubs(catalog object) array =>
  map(filter(streams(catalog), s => length(intersection(s.senders, map(catalog.contexts, c => c.name))) > 0), s => {
    domain: s.domain
    hub: s.hub
  })

@export()
@description('Hubs that at least one function app consumes.')
func anyReceiveHubs(catalog object) array =>
  map(filter(streams(catalog), s => length(intersection(map(s.consumers, c => c.context), map(catalog.contexts, c => c.name))) > 0), s => {
    domain: s.domain
    hub: s.hub
  })

@export()
@description('Every consumer group some deployed context reads: { hub, consumerGroup, context } (a group whose context is not a function app, such as the operators\' dead-letter group, has no reader to lag).')
func readers(catalog object) array =>
  flatten(map(streams(catalog), s => map(filter(s.consumers, c => contains(map(catalog.contexts, x => x.name), c.context)), c => {
    hub: s.hub
    consumerGroup: c.consumerGroup
    context: c.context
  })))
