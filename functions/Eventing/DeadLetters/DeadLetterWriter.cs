namespace Store.Eventing.DeadLetters;

/// <summary>Data of <c>operations.event-dead-lettered.v1</c>: the original event, where it came from, who failed on it and why.</summary>
public sealed record EventDeadLettered(
    string Consumer,
    string ConsumerGroup,
    string SourceHub,
    string PartitionId,
    string Offset,
    long SequenceNumber,
    DateTimeOffset EnqueuedTime,
    string Body,
    string BodyEncoding,
    IReadOnlyDictionary<string, string> Properties,
    DeadLetterError Error);

/// <summary>Why the event was dead-lettered.</summary>
public sealed record DeadLetterError(string Kind, string Message);

/// <summary>The raw input as it arrived, kept for dead-lettering.</summary>
public readonly record struct RawEvent(
    ReadOnlyMemory<byte> Body,
    IDictionary<string, object> Properties,
    string Hub,
    string PartitionId,
    string Offset,
    long SequenceNumber,
    DateTimeOffset EnqueuedTime);

/// <summary>Builds dead-letter events for one consuming context. Ids are derived from the source position and consumer, so a redelivered failure dead-letters under the same id.</summary>
public sealed class DeadLetterWriter(string context, TimeProvider time)
{
    public const string EventType = "operations.event-dead-lettered.v1";

    private readonly CloudEventCodec _codec = new(new EventTypeRegistry().Add(EventType, DeadLetterJsonContext.Default.EventDeadLettered));

    public string Context { get; } = context;

    public string Hub { get; } = EventCatalog.Current.DeadLetterStream.Hub;

    /// <summary>Creates the dead-letter event for <paramref name="raw"/> that <paramref name="consumerGroup"/> could not process.</summary>
    public OutgoingEvent Create(RawEvent raw, string consumerGroup, DataError error, string? traceParent = null)
    {
        var (body, encoding) = DescribeBody(raw.Body.Span);
        var properties = raw.Properties.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal);
        var data = new EventDeadLettered(
            Context, consumerGroup, raw.Hub, raw.PartitionId, raw.Offset, raw.SequenceNumber, raw.EnqueuedTime,
            body, encoding, properties, new DeadLetterError(error.KindName, error.Message));
        var id = EventIds.Derive($"{raw.Hub}/{raw.PartitionId}/{raw.SequenceNumber}", "dead-letter/" + Context + "/" + consumerGroup);
        var header = new CloudEventHeader(id, EventType, OutputEncoder.SourceOf(Context), Context, time.GetUtcNow(), traceParent);
        return new OutgoingEvent(Hub, Context, id, EventType, _codec.Encode(header, data), traceParent);
    }

    private static (string Body, string Encoding) DescribeBody(ReadOnlySpan<byte> body) =>
        System.Text.Unicode.Utf8.IsValid(body) ? (Encoding.UTF8.GetString(body), "utf8") : (Convert.ToBase64String(body), "base64");
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EventDeadLettered))]
public sealed partial class DeadLetterJsonContext : JsonSerializerContext;
