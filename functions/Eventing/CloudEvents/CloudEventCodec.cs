using System.Buffers;
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

    private const int MaxRetainedBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The registry this codec uses.</summary>
    public EventTypeRegistry Registry { get; } = registry;

    /// <summary>Decodes one body. Never throws for bad data: it returns a <see cref="DataError"/> instead.</summary>
    public DecodeResult Decode(ReadOnlyMemory<byte> body)
    {
        DecodingEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body.Span, EnvelopeJsonContext.Default.DecodingEnvelope);
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

        if (envelope.Data.Kind != JsonValueKind.Object)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' needs an object in 'data', got {envelope.Data.Kind}.");
        }

        // `data` is validated and bound straight from the body's bytes (no JsonDocument on the valid path).
        var data = body.Slice(envelope.Data.Start, envelope.Data.Length);

        // The compiled schema is trusted only when it accepts; when it rejects (or the schema is not compiled),
        // JsonSchema.Net decides and names the errors, so a compiled false negative cannot dead-letter a valid event.
        if (registration.CompiledSchema?.IsValid(data.Span) != true && Violations(registration, data) is { } violations)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' data violates {registration.SchemaId}: {violations}");
        }

        object? record;
        try
        {
            record = JsonSerializer.Deserialize(data.Span, registration.TypeInfo);
        }
        catch (JsonException ex)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' data does not bind: {ex.Message}");
        }

        if (record is null)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' data is empty.");
        }

        var decoded = new DecodedEvent(envelope.Id, envelope.Type, envelope.Source, envelope.Subject, envelope.Time ?? DateTimeOffset.UnixEpoch, envelope.TraceParent, record);
        return new DecodeResult(decoded, null, null);
    }

    // JsonSchema.Net's verdict on `data`: null when valid, else the errors it names. Valid events are checked with the
    // Flag format (stops at the first failure, builds no error list) when there is no compiled schema; only an invalid
    // event is evaluated with the List format.
    private static string? Violations(EventRegistration registration, ReadOnlyMemory<byte> data)
    {
        using var document = JsonDocument.Parse(data);
        try
        {
            if (registration.CompiledSchema is null && registration.Schema.Evaluate(document.RootElement, FastValidation).IsValid)
            {
                return null;
            }

            var results = registration.Schema.Evaluate(document.RootElement, ValidationOptions);
            return results.IsValid ? null : Describe(results);
        }
        catch (InvalidOperationException ex)
        {
            // JsonSchema.Net cannot read a string that is not valid UTF-16 (an escaped lone surrogate).
            return $"a value cannot be evaluated: {ex.Message}";
        }
    }

    /// <summary>Encodes an event as CloudEvents structured JSON (UTF-8).</summary>
    public byte[] Encode<T>(in CloudEventHeader header, T data)
    {
        // One buffer and writer per thread, reused: the only allocation per event is the returned array.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            Write(writer, header, data);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity > MaxRetainedBuffer)
            {
                // Do not keep an unusually large event's buffer alive for the thread's lifetime.
                (t_buffer, t_writer) = (null, null);
            }
            else
            {
                writer.Reset(buffer);
                buffer.ResetWrittenCount();
            }
        }
    }

    /// <summary>Writes an event as CloudEvents structured JSON into <paramref name="output"/>.</summary>
    public void Write<T>(IBufferWriter<byte> output, in CloudEventHeader header, T data)
    {
        using var writer = new Utf8JsonWriter(output);
        Write(writer, header, data);
    }

    private void Write<T>(Utf8JsonWriter writer, in CloudEventHeader header, T data)
    {
        var registration = Registry.For<T>();
        if (registration.Type != header.Type)
        {
            throw new ArgumentException($"Header type '{header.Type}' does not match {typeof(T).Name} ('{registration.Type}').", nameof(header));
        }

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
