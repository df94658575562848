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
[JsonSerializable(typeof(DecodingEnvelope))]
internal sealed partial class EnvelopeJsonContext : JsonSerializerContext;

/// <summary>
/// Where a JSON value lies in the body being decoded: its first token and its byte range. Read by
/// <see cref="RawJsonValueConverter"/> so that the codec validates and binds <c>data</c> straight from the body's UTF-8
/// instead of copying it into a <see cref="JsonDocument"/>.
/// </summary>
internal readonly record struct RawJsonValue(JsonTokenType Token, int Start, int Length)
{
    /// <summary>The value kind of the first token, named as <see cref="JsonElement.ValueKind"/> would name it (Undefined when absent).</summary>
    public JsonValueKind Kind => Token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        JsonTokenType.Null => JsonValueKind.Null,
        _ => JsonValueKind.Undefined,
    };
}

/// <summary>
/// Records the byte range of a value and skips it (the reader still checks that it is well-formed JSON). Only valid for
/// <see cref="JsonSerializer.Deserialize(ReadOnlySpan{byte}, System.Text.Json.Serialization.Metadata.JsonTypeInfo)"/> over
/// one complete span, where token offsets are offsets into that span.
/// </summary>
internal sealed class RawJsonValueConverter : JsonConverter<RawJsonValue>
{
    public override bool HandleNull => true;

    public override RawJsonValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var token = reader.TokenType;
        long start = reader.TokenStartIndex;
        reader.Skip();
        return new RawJsonValue(token, checked((int)start), checked((int)(reader.BytesConsumed - start)));
    }

    public override void Write(Utf8JsonWriter writer, RawJsonValue value, JsonSerializerOptions options) =>
        throw new NotSupportedException("RawJsonValue is only read.");
}

/// <summary>The envelope as the codec reads it: the attributes of <see cref="CloudEventEnvelope"/>, with <c>data</c> left in the body.</summary>
internal sealed record DecodingEnvelope
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
    [JsonPropertyName("data"), JsonConverter(typeof(RawJsonValueConverter))] public RawJsonValue Data { get; init; }
}
