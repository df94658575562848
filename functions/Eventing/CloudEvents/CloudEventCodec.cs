using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Json.Schema;

namespace Store.Eventing.CloudEvents;

/// <summary>Why an input could not be used. Every kind ends in the dead-letter stream.</summary>
public enum DataErrorKind
{
    /// <summary>The body is not JSON.</summary>
    MalformedJson,
    /// <summary>JSON, but not a CloudEvents 1.0 structured envelope.</summary>
    InvalidEnvelope,
    /// <summary>A type (or version) the catalog does not know.</summary>
    UnknownType,
    /// <summary>The data does not match the type's JSON Schema.</summary>
    SchemaViolation,
    /// <summary>Valid data that breaks a business rule of the consumer.</summary>
    RuleViolation,
    /// <summary>A bug: an exception that is neither a data error nor transient.</summary>
    Unexpected,
}

/// <summary>A data error with a message naming what is wrong.</summary>
public sealed record DataError(DataErrorKind Kind, string Message)
{
    /// <summary>Kebab-case name used in dead letters.</summary>
    public string KindName => Kind switch
    {
        DataErrorKind.MalformedJson => "malformed-json",
        DataErrorKind.InvalidEnvelope => "invalid-envelope",
        DataErrorKind.UnknownType => "unknown-type",
        DataErrorKind.SchemaViolation => "schema-violation",
        DataErrorKind.RuleViolation => "rule-violation",
        _ => "unexpected",
    };
}

/// <summary>A decoded CloudEvent whose data has been validated and bound to the consumer's record.</summary>
public sealed record DecodedEvent(string Id, string Type, string Source, string? Subject, DateTimeOffset Time, string? TraceParent, object Data);

/// <summary>The outcome of decoding one body: an event, a skip (known type this consumer does not handle) or a data error.</summary>
public readonly record struct DecodeResult(DecodedEvent? Event, DataError? Error, string? SkippedType)
{
    /// <summary>True when the event was decoded.</summary>
    public bool IsEvent => Event is not null;
}

/// <summary>Reads and writes CloudEvents 1.0 structured JSON with source-generated serialization and schema validation.</summary>
public sealed class CloudEventCodec(EventTypeRegistry registry)
{
    // Valid events (nearly all) are checked with the Flag format, which stops at the first failure and builds no
    // error list; only an invalid event is evaluated again with the List format to name every error.
    private static readonly EvaluationOptions FastValidation = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions ValidationOptions = new() { OutputFormat = OutputFormat.List };

    /// <summary>The registry this codec uses.</summary>
    public EventTypeRegistry Registry { get; } = registry;

    /// <summary>Decodes one body. Never throws for bad data: it returns a <see cref="DataError"/> instead.</summary>
    public DecodeResult Decode(ReadOnlyMemory<byte> body)
    {
        CloudEventEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body.Span, EnvelopeJsonContext.Default.CloudEventEnvelope);
        }
        catch (JsonException ex)
        {
            return Fail(DataErrorKind.MalformedJson, $"Body is not a JSON object: {ex.Message}");
        }

        if (envelope is null)
        {
            return Fail(DataErrorKind.InvalidEnvelope, "Body is JSON null, not a CloudEvent.");
        }

        if (envelope.SpecVersion != "1.0" || string.IsNullOrEmpty(envelope.Id) || string.IsNullOrEmpty(envelope.Source) || string.IsNullOrEmpty(envelope.Type))
        {
            return Fail(DataErrorKind.InvalidEnvelope, "Not a CloudEvents 1.0 envelope: specversion \"1.0\", id, source and type are required.");
        }

        if (!Registry.TryGet(envelope.Type, out var registration))
        {
            return Registry.IsKnownToCatalog(envelope.Type)
                ? new DecodeResult(null, null, envelope.Type)
                : Fail(DataErrorKind.UnknownType, $"Event type '{envelope.Type}' is not in the catalog (unknown type or version).");
        }

        if (envelope.Data.ValueKind != JsonValueKind.Object)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' needs an object in 'data', got {envelope.Data.ValueKind}.");
        }

        // The compiled schema is trusted only when it accepts; when it rejects (or the schema is not compiled),
        // JsonSchema.Net decides and names the errors, so a compiled false negative cannot dead-letter a valid event.
        bool valid = registration.CompiledSchema is { } compiled
            ? compiled.IsValid(JsonMarshal.GetRawUtf8Value(envelope.Data))
            : registration.Schema.Evaluate(envelope.Data, FastValidation).IsValid;
        if (!valid)
        {
            var results = registration.Schema.Evaluate(envelope.Data, ValidationOptions);
            if (!results.IsValid)
            {
                return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' data violates {registration.SchemaId}: {Describe(results)}");
            }
        }

        object? data;
        try
        {
            data = envelope.Data.Deserialize(registration.TypeInfo);
        }
        catch (JsonException ex)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' data does not bind: {ex.Message}");
        }

        if (data is null)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' data is empty.");
        }

        var decoded = new DecodedEvent(envelope.Id, envelope.Type, envelope.Source, envelope.Subject, envelope.Time ?? DateTimeOffset.UnixEpoch, envelope.TraceParent, data);
        return new DecodeResult(decoded, null, null);
    }

    /// <summary>Encodes an event as CloudEvents structured JSON (UTF-8).</summary>
    public byte[] Encode<T>(in CloudEventHeader header, T data)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(buffer, header, data);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes an event as CloudEvents structured JSON into <paramref name="output"/>.</summary>
    public void Write<T>(IBufferWriter<byte> output, in CloudEventHeader header, T data)
    {
        var registration = Registry.For<T>();
        if (registration.Type != header.Type)
        {
            throw new ArgumentException($"Header type '{header.Type}' does not match {typeof(T).Name} ('{registration.Type}').", nameof(header));
        }

        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("specversion"u8, "1.0"u8);
        writer.WriteString("id"u8, header.Id);
        writer.WriteString("source"u8, header.Source);
        writer.WriteString("type"u8, header.Type);
        writer.WriteString("subject"u8, header.Subject);
        writer.WriteString("time"u8, header.Time);
        writer.WriteString("datacontenttype"u8, "application/json"u8);
        writer.WriteString("dataschema"u8, registration.SchemaId);
        if (header.TraceParent is not null)
        {
            writer.WriteString("traceparent"u8, header.TraceParent);
        }

        writer.WritePropertyName("data"u8);
        JsonSerializer.Serialize(writer, data, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)registration.TypeInfo);
        writer.WriteEndObject();
    }

    private static DecodeResult Fail(DataErrorKind kind, string message) => new(null, new DataError(kind, message), null);

    private static string Describe(EvaluationResults results)
    {
        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .Distinct()
            .Take(10);
        return string.Join("; ", errors);
    }
}
