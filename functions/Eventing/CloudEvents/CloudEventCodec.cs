using System.Buffers;
using System.Text;
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
        Envelope envelope;
        try
        {
            envelope = ReadEnvelope(body.Span);
        }
        catch (JsonException ex)
        {
            return Fail(DataErrorKind.MalformedJson, $"Body is not a JSON object: {ex.Message}");
        }

        if (envelope.Root == JsonTokenType.Null)
        {
            return Fail(DataErrorKind.InvalidEnvelope, "Body is JSON null, not a CloudEvent.");
        }

        if (envelope.Root != JsonTokenType.StartObject)
        {
            return Fail(DataErrorKind.MalformedJson, $"Body is not a JSON object: it is {Kind(envelope.Root)}.");
        }

        if (envelope.Problem is not null)
        {
            return Fail(DataErrorKind.InvalidEnvelope, $"Not a CloudEvents 1.0 envelope: {envelope.Problem}.");
        }

        if (!envelope.SpecVersion10 || string.IsNullOrEmpty(envelope.Id) || string.IsNullOrEmpty(envelope.Source) || string.IsNullOrEmpty(envelope.Type))
        {
            return Fail(DataErrorKind.InvalidEnvelope, "Not a CloudEvents 1.0 envelope: specversion \"1.0\", id, source and type are required.");
        }

        var registration = envelope.Registration;
        if (registration is null && !Registry.TryGet(envelope.Type, out registration))
        {
            return Registry.IsKnownToCatalog(envelope.Type)
                ? new DecodeResult(null, null, envelope.Type)
                : Fail(DataErrorKind.UnknownType, $"Event type '{envelope.Type}' is not in the catalog (unknown type or version).");
        }

        if (envelope.DataToken != JsonTokenType.StartObject)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' needs an object in 'data', got {Kind(envelope.DataToken)}.");
        }

        if (envelope.DataProblem is not null)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' data is ambiguous: {envelope.DataProblem}.");
        }

        // `data` is validated and bound straight from the body's bytes (no JsonDocument on the valid path).
        var data = body.Slice(envelope.DataStart, envelope.DataLength);

        // The compiled schema is trusted only when it accepts; when it rejects (or the schema is not compiled),
        // JsonSchema.Net decides and names the errors, so a compiled false negative cannot dead-letter a valid event.
        if (registration.CompiledSchema?.IsValid(data.Span) != true && Violations(registration, data) is { } violations)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{envelope.Type}' data violates {registration.SchemaId}: {violations}");
        }

        object? record;
        try
        {
            // ReadTypeInfo also rejects names that differ only in case when the context binds case-insensitively.
            record = JsonSerializer.Deserialize(data.Span, registration.ReadTypeInfo);
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

    // The envelope's attributes, in the order of AttributeNames.
    private enum Attribute
    {
        None = -1,
        SpecVersion,
        Id,
        Source,
        Type,
        Subject,
        Time,
        DataContentType,
        DataSchema,
        TraceParent,
        Data,
    }

    private static readonly byte[][] AttributeNames =
    [
        "specversion"u8.ToArray(), "id"u8.ToArray(), "source"u8.ToArray(), "type"u8.ToArray(), "subject"u8.ToArray(), "time"u8.ToArray(),
        "datacontenttype"u8.ToArray(), "dataschema"u8.ToArray(), "traceparent"u8.ToArray(), "data"u8.ToArray(),
    ];

    // Longest type name looked up in the registry without allocating a string.
    private const int StackTypeChars = 128;

    /// <summary>What <see cref="ReadEnvelope"/> found: the attributes, where <c>data</c> lies in the body, and the first problems.</summary>
    private struct Envelope
    {
        public JsonTokenType Root;
        public bool SpecVersion10;
        public string? Id;
        public string? Source;
        public string? Type;
        public EventRegistration? Registration;
        public string? Subject;
        public DateTimeOffset? Time;
        public string? TraceParent;
        public JsonTokenType DataToken;
        public int DataStart;
        public int DataLength;
        public string? Problem;
        public string? DataProblem;
    }

    // Reads the envelope with one Utf8JsonReader pass over the whole body (every token, so malformed JSON anywhere throws
    // JsonException), instead of a generated deserializer, which took the last of repeated attributes and allocated every
    // attribute. Semantics kept from the former JsonSerializerDefaults.Web deserialization: attribute names match ignoring
    // ASCII case after unescaping ("ID" is id, as StringComparison.OrdinalIgnoreCase matches them), JSON null counts as an
    // absent attribute, `time` is parsed as System.Text.Json parses a DateTimeOffset, unknown attributes (extensions) are
    // skipped. Changed on purpose: a repeated attribute (also "id" with "ID") or a repeated name at any depth is a problem,
    // and an attribute of the wrong JSON type is an invalid envelope (it was reported as malformed JSON).
    private Envelope ReadEnvelope(ReadOnlySpan<byte> body)
    {
        var envelope = default(Envelope);
        var reader = new Utf8JsonReader(body);
        if (!reader.Read())
        {
            throw new JsonException("The body is empty.");
        }

        envelope.Root = reader.TokenType;
        if (envelope.Root != JsonTokenType.StartObject)
        {
            reader.Skip();
            EnsureEnd(ref reader);
            return envelope;
        }

        var scan = JsonNameScan.ForThread();
        scan.OpenObject();
        int seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var repeated = scan.AddName(ref reader, out var name, 0);
            var attribute = Match(name);
            reader.Read();
            if (repeated is not null || (attribute != Attribute.None && (seen & (1 << (int)attribute)) != 0))
            {
                // "id" and "ID" are repeats too: both would set the id.
                envelope.Problem ??= attribute == Attribute.None
                    ? repeated
                    : $"attribute '{Encoding.UTF8.GetString(AttributeNames[(int)attribute])}' appears more than once";
            }

            if (attribute == Attribute.None)
            {
                // An extension attribute: its value is only checked for well-formed JSON and repeated names.
                if (scan.ScanValue(ref reader) is { } problem)
                {
                    envelope.Problem ??= $"extension attribute '{Encoding.UTF8.GetString(name)}' has a {problem}";
                }

                continue;
            }

            seen |= 1 << (int)attribute;
            ReadAttribute(ref reader, attribute, ref envelope, scan);
        }

        scan.Close();
        EnsureEnd(ref reader);
        return envelope;
    }

    private void ReadAttribute(ref Utf8JsonReader reader, Attribute attribute, ref Envelope envelope, JsonNameScan scan)
    {
        var token = reader.TokenType;
        if (attribute == Attribute.Data)
        {
            long start = reader.TokenStartIndex;
            envelope.DataToken = token;
            envelope.DataProblem = scan.ScanValue(ref reader);
            envelope.DataStart = checked((int)start);
            envelope.DataLength = checked((int)(reader.BytesConsumed - start));
            return;
        }

        if (token == JsonTokenType.Null)
        {
            return;
        }

        if (token != JsonTokenType.String)
        {
            envelope.Problem ??= $"attribute '{Encoding.UTF8.GetString(AttributeNames[(int)attribute])}' must be a string, got {Kind(token)}";
            reader.Skip();
            return;
        }

        try
        {
            switch (attribute)
            {
                case Attribute.SpecVersion:
                    envelope.SpecVersion10 = reader.ValueTextEquals("1.0"u8);
                    break;
                case Attribute.Id:
                    envelope.Id = reader.GetString();
                    break;
                case Attribute.Source:
                    envelope.Source = reader.GetString();
                    break;
                case Attribute.Type:
                    (envelope.Type, envelope.Registration) = ReadType(ref reader);
                    break;
                case Attribute.Subject:
                    envelope.Subject = reader.GetString();
                    break;
                case Attribute.Time:
                    if (reader.TryGetDateTimeOffset(out var time))
                    {
                        envelope.Time = time;
                    }
                    else
                    {
                        envelope.Problem ??= "attribute 'time' is not an RFC 3339 timestamp";
                    }

                    break;
                case Attribute.TraceParent:
                    envelope.TraceParent = reader.GetString();
                    break;
                default:
                    // datacontenttype and dataschema are not used when reading: only their type is checked.
                    break;
            }
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate: the text cannot be read as a string.
            envelope.Problem ??= $"attribute '{Encoding.UTF8.GetString(AttributeNames[(int)attribute])}' is not valid UTF-16 text";
        }
    }

    // Looks a type up in the registry without allocating: a registered type takes the registration's string.
    private (string Type, EventRegistration? Registration) ReadType(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (raw.Length <= StackTypeChars)
        {
            Span<char> buffer = stackalloc char[StackTypeChars];
            var chars = buffer[..reader.CopyString(buffer)];
            if (Registry.TryGet(chars, out var registration))
            {
                return (registration.Type, registration);
            }

            return (new string(chars), null);
        }

        return (reader.GetString()!, null);
    }

    private static Attribute Match(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < AttributeNames.Length; i++)
        {
            if (name.Length == AttributeNames[i].Length && System.Text.Ascii.EqualsIgnoreCase(name, AttributeNames[i]))
            {
                return (Attribute)i;
            }
        }

        return Attribute.None;
    }

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        // Reading past the root value throws for anything but whitespace (as JsonSerializer.Deserialize did).
        if (reader.Read())
        {
            throw new JsonException($"Unexpected content after the JSON value at byte {reader.TokenStartIndex}.");
        }
    }

    // Named as JsonElement.ValueKind names it (Undefined when absent).
    private static JsonValueKind Kind(JsonTokenType token) => token switch
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
        // The record's runtime type names the registration, so an output typed as object encodes too.
        var registration = Registry.For(data?.GetType() ?? typeof(T));
        if (registration.Type != header.Type)
        {
            throw new ArgumentException($"Header type '{header.Type}' does not match {data?.GetType().Name} ('{registration.Type}').", nameof(header));
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
        JsonSerializer.Serialize(writer, data, registration.TypeInfo);
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
