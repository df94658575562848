using System.Text.Json;
using System.Text.Json.Serialization;

namespace Store.Eventing.CloudEvents;

/// <summary>A CloudEvents 1.0 event in structured JSON mode, as read from a stream (data kept as JSON until its type is known).</summary>
public sealed record CloudEventEnvelope
{
    [JsonPropertyName("specversion")] public string? SpecVersion { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("subject")] public string? Subject { get; init; }
    [JsonPropertyName("time")] public DateTimeOffset? Time { get; init; }
    [JsonPropertyName("datacontenttype")] public string? DataContentType { get; init; }
    [JsonPropertyName("dataschema")] public string? DataSchema { get; init; }
    [JsonPropertyName("traceparent")] public string? TraceParent { get; init; }
    [JsonPropertyName("data")] public JsonElement Data { get; init; }
}

/// <summary>The envelope attributes of an event this context emits.</summary>
/// <param name="Id">Deterministic id (see <see cref="EventIds"/>).</param>
/// <param name="Type">CloudEvents type, e.g. <c>sales.order-placed.v1</c>.</param>
/// <param name="Source">Producing context, e.g. <c>/store/sales</c>.</param>
/// <param name="Subject">Aggregate id; also the partition key.</param>
/// <param name="Time">Event time; derived from the input so that redelivery produces byte-identical output.</param>
/// <param name="TraceParent">W3C trace context of the causing work, carried for distributed tracing.</param>
public readonly record struct CloudEventHeader(string Id, string Type, string Source, string Subject, DateTimeOffset Time, string? TraceParent = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CloudEventEnvelope))]
internal sealed partial class EnvelopeJsonContext : JsonSerializerContext;
