using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

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
    /// <summary>Kebab-case name used in dead letters, e.g. <c>malformed-json</c>.</summary>
    public string KindName => JsonNamingPolicy.KebabCaseLower.ConvertName(Kind.ToString());
}

/// <summary>
/// A decoded CloudEvent whose data has been validated and bound to the consumer's record. An event of a superseded
/// version is upcast: <see cref="Type"/> and <see cref="Data"/> are the newest version's, <see cref="UpcastFrom"/> the type it arrived as.
/// </summary>
public sealed record DecodedEvent(string Id, string Type, string Source, string? Subject, DateTimeOffset Time, string? TraceParent, object Data, string? UpcastFrom = null);

/// <summary>The outcome of decoding one body: an event, a skip (known type this consumer does not handle) or a data error.</summary>
public readonly record struct DecodeResult(DecodedEvent? Event, DataError? Error, string? SkippedType)
{
    public bool IsEvent => Event is not null;
}

/// <summary>
/// Reads and writes CloudEvents 1.0 structured JSON. A body is parsed once, repeated names refused (a validator and a
/// binder never see different values for one name); the CloudEvents SDK reads the envelope; <c>data</c> is validated by
/// JsonSchema.Net and bound from the same document with the context's source-generated metadata.
/// </summary>
public sealed class CloudEventCodec(EventTypeRegistry registry)
{
    // Valid events (nearly all) are checked with the Flag format, which stops at the first failure and builds no
    // error list; only an invalid event is evaluated again with the List format to name every error.
    private static readonly EvaluationOptions FastValidation = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions ValidationOptions = new() { OutputFormat = OutputFormat.List };

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    // traceparent is declared so that a non-string value is an invalid envelope rather than an integer extension.
    private static readonly CloudEventAttribute TraceParentAttribute = CloudEventAttribute.CreateExtension("traceparent", CloudEventAttributeType.String);
    private static readonly CloudEventAttribute[] Extensions = [TraceParentAttribute];
    private static readonly JsonEventFormatter Envelopes = new();

    public EventTypeRegistry Registry { get; } = registry;

    /// <summary>Decodes one body. Never throws for bad data: it returns a <see cref="DataError"/> instead.</summary>
    public DecodeResult Decode(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Strict);
        }
        catch (JsonException ex)
        {
            return RepeatedName(body) is { } repeated ? Fail(repeated.Kind, repeated.Message) : Fail(DataErrorKind.MalformedJson, $"Body is not JSON: {ex.Message}");
        }

        using (document)
        {
            return Decode(document.RootElement);
        }
    }

    private DecodeResult Decode(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Null)
        {
            return Fail(DataErrorKind.InvalidEnvelope, "Body is JSON null, not a CloudEvent.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(DataErrorKind.MalformedJson, $"Body is not a JSON object: it is {root.ValueKind}.");
        }

        if (!root.TryGetProperty("specversion", out var version) || version.ValueKind != JsonValueKind.String)
        {
            // The SDK would only say "does not represent a CloudEvent".
            return Fail(DataErrorKind.InvalidEnvelope, $"Not a CloudEvents 1.0 envelope: attribute 'specversion' must be a string, got {version.ValueKind}.");
        }

        CloudEvent envelope;
        try
        {
            envelope = Envelopes.ConvertFromJsonElement(root, Extensions);
        }
        catch (ArgumentException ex)
        {
            // The SDK's verdict: missing or mistyped attribute, a name that is not lower-case letters and digits, bad time, spec version.
            return Fail(DataErrorKind.InvalidEnvelope, $"Not a CloudEvents 1.0 envelope: {ex.Message}");
        }
        catch (InvalidOperationException)
        {
            var name = root.EnumerateObject().FirstOrDefault(a => a.Value.ValueKind == JsonValueKind.String && !IsText(a.Value)).Name;
            return Fail(DataErrorKind.InvalidEnvelope, $"Not a CloudEvents 1.0 envelope: attribute '{name}' is not valid UTF-16 text (an escaped lone surrogate).");
        }

        var type = envelope.Type!;
        if (!Registry.TryGet(type, out var registration))
        {
            return Registry.IsKnownToCatalog(type)
                ? new DecodeResult(null, null, type)
                : Fail(DataErrorKind.UnknownType, $"Event type '{type}' is not in the catalog (unknown type or version).");
        }

        if (envelope.Data is not JsonElement { ValueKind: JsonValueKind.Object } data)
        {
            var got = root.TryGetProperty("data", out var value) ? value.ValueKind.ToString() : envelope.Data is null ? "Undefined" : envelope.Data.GetType().Name;
            return Fail(DataErrorKind.SchemaViolation, $"'{type}' needs an object in 'data', got {got}.");
        }

        if (Violations(registration, data) is { } violations)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{type}' data violates {registration.SchemaId}: {violations}");
        }

        object? record;
        try
        {
            // ReadTypeInfo refuses two names that reach one property (e.g. "quantity" and "Quantity" when the context
            // binds case-insensitively), so the binder cannot pick a value the validator did not check.
            record = JsonSerializer.Deserialize(data, registration.ReadTypeInfo);
        }
        catch (JsonException ex)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{type}' data does not bind: {ex.Message}");
        }

        if (record is null)
        {
            return Fail(DataErrorKind.SchemaViolation, $"'{type}' data is empty.");
        }

        // A superseded version is validated against its own schema above, then upcast step by step to the newest record.
        var (current, upcastFrom) = (registration, (string?)null);
        while (current.UpcastTo is { } newer && record is IUpcast old)
        {
            (record, current, upcastFrom) = (old.Upcast(), newer, type);
        }

        var decoded = new DecodedEvent(envelope.Id!, current.Type, envelope.Source!.OriginalString, envelope.Subject, envelope.Time ?? DateTimeOffset.UnixEpoch,
            (string?)envelope[TraceParentAttribute], record, upcastFrom);
        return new DecodeResult(decoded, null, null);
    }

    /// <summary>False for a JSON string that is not valid text (a lone surrogate escape such as "\ud800").</summary>
    internal static bool IsText(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Only after the strict parse failed: when the body parses with repeated names allowed, the failure was a repeated
    // name; says which and where (a JSON pointer into `data`, or the envelope attribute).
    private static (DataErrorKind Kind, string Message)? RepeatedName(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var lenient = JsonDocument.Parse(body);
            return FirstRepeat(lenient.RootElement, "") switch
            {
                null => null,
                { At: "" } repeat when lenient.RootElement.ValueKind == JsonValueKind.Object =>
                    (DataErrorKind.InvalidEnvelope, $"Not a CloudEvents 1.0 envelope: attribute '{repeat.Name}' appears more than once."),
                { At: var at } repeat when at == "/data" || at.StartsWith("/data/", StringComparison.Ordinal) =>
                    (DataErrorKind.SchemaViolation, $"'data' is ambiguous: property '{repeat.Name}' appears more than once in {(at.Length == 5 ? "/" : at[5..])}."),
                { } repeat => (DataErrorKind.InvalidEnvelope, $"Not a CloudEvents 1.0 envelope: property '{repeat.Name}' appears more than once in {repeat.At}."),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    // The first repeated property name in document order, with the JSON pointer of the object that repeats it.
    private static (string Name, string At)? FirstRepeat(JsonElement element, string at)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            return element.EnumerateArray().Select((item, i) => FirstRepeat(item, $"{at}/{i}")).FirstOrDefault(found => found is not null);
        }

        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    return (property.Name, at);
                }

                if (FirstRepeat(property.Value, $"{at}/{Escape(property.Name)}") is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    // JsonSchema.Net's verdict on `data`: null when valid, else the errors it names.
    private static string? Violations(EventRegistration registration, JsonElement data)
    {
        try
        {
            if (registration.Schema.Evaluate(data, FastValidation).IsValid)
            {
                return null;
            }

            var results = registration.Schema.Evaluate(data, ValidationOptions);
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
        // The record's runtime type names the registration, so an output typed as object encodes too.
        var registration = Registry.For(data?.GetType() ?? typeof(T));
        if (registration.Type != header.Type)
        {
            throw new ArgumentException($"Header type '{header.Type}' does not match {data?.GetType().Name} ('{registration.Type}').", nameof(header));
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer);
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
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
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
