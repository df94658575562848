namespace Store.Eventing.CloudEvents;

/// <summary>The envelope attributes of an event this context emits.</summary>
/// <param name="Id">Deterministic id (see <see cref="EventIds"/>).</param>
/// <param name="Type">CloudEvents type, e.g. <c>sales.order-placed.v1</c>.</param>
/// <param name="Source">Producing context, e.g. <c>/store/sales</c>.</param>
/// <param name="Subject">Aggregate id; also the partition key.</param>
/// <param name="Time">Event time; derived from the input so that redelivery produces byte-identical output.</param>
/// <param name="TraceParent">W3C trace context of the causing work, carried for distributed tracing.</param>
public readonly record struct CloudEventHeader(string Id, string Type, string Source, string Subject, DateTimeOffset Time, string? TraceParent = null);
