namespace Store.Eventing.CloudEvents;

/// <summary>
/// The envelope attributes of an event this context emits: a deterministic id (<see cref="EventIds"/>), type, source
/// (e.g. <c>/store/sales</c>), subject (the aggregate id, also the partition key), the time derived from the input and the
/// W3C trace context of the causing work.
/// </summary>
public readonly record struct CloudEventHeader(string Id, string Type, string Source, string Subject, DateTimeOffset Time, string? TraceParent = null);
