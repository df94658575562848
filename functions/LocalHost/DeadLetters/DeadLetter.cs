using Store.Eventing.DeadLetters;

namespace Store.LocalHost.DeadLetters;

/// <summary>
/// One <c>operations.event-dead-lettered.v1</c> event as read back from the dead-letter hub: its own id and time, and the
/// kit's payload (consumer, consumer group, source position, original body and properties, error).
/// </summary>
public sealed record DeadLetter(string Id, DateTimeOffset Time, string? TraceParent, EventDeadLettered Data)
{
    /// <summary>The original event's body bytes (decoded per <c>bodyEncoding</c>: utf8 or base64).</summary>
    public byte[] OriginalBody => Data.BodyEncoding switch
    {
        "base64" => Convert.FromBase64String(Data.Body),
        _ => Encoding.UTF8.GetBytes(Data.Body),
    };

    /// <summary>"hub/partition#seq" of the original event.</summary>
    public string Source => string.Create(CultureInfo.InvariantCulture, $"{Data.SourceHub}/{Data.PartitionId}#{Data.SequenceNumber}");

    /// <summary>Parses the CloudEvent body of a dead-letter event; null when it is not one (e.g. something else written to the hub).</summary>
    public static DeadLetter? Parse(JsonElement cloudEvent)
    {
        if (cloudEvent.ValueKind != JsonValueKind.Object
            || !cloudEvent.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != DeadLetterWriter.EventType
            || !cloudEvent.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
            || !cloudEvent.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        EventDeadLettered? payload;
        try
        {
            payload = data.Deserialize(DeadLetterJsonContext.Default.EventDeadLettered);
        }
        catch (JsonException)
        {
            return null;
        }

        if (payload is null)
        {
            return null;
        }

        var time = cloudEvent.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String && t.TryGetDateTimeOffset(out var parsed) ? parsed : default;
        var traceParent = cloudEvent.TryGetProperty("traceparent", out var tp) && tp.ValueKind == JsonValueKind.String ? tp.GetString() : null;
        return new DeadLetter(id.GetString()!, time, traceParent, payload);
    }

    /// <summary>Parses the raw bytes of a dead-letter event.</summary>
    public static DeadLetter? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            return Parse(doc.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads <c>&lt;dir&gt;/streams/dead-letters.jsonl</c> as written by <c>replay</c> (one stored event per line, the
    /// CloudEvent in "body"). Lines that are not dead-letter events are skipped.
    /// </summary>
    public static IReadOnlyList<DeadLetter> ReadExport(string path)
    {
        var letters = new List<DeadLetter>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("body", out var body) && Parse(body) is { } letter)
            {
                letters.Add(letter);
            }
        }

        return letters;
    }
}

/// <summary>
/// Which dead letters to redeliver: <c>&lt;Context|all&gt;[:id,id...]</c>, e.g. <c>all</c>, <c>Inventory</c> or
/// <c>Payments:3f2a...,9b1c...</c>. Contexts compare case-insensitively, ids exactly.
/// </summary>
public sealed record DeadLetterSelection(string? Context, IReadOnlySet<string>? Ids)
{
    /// <summary>Every dead letter of every context.</summary>
    public static DeadLetterSelection All { get; } = new(null, null);

    /// <summary>Parses the selection; throws <see cref="FormatException"/> with a readable message.</summary>
    public static DeadLetterSelection Parse(string text)
    {
        var parts = text.Split(':', 2);
        var context = parts[0].Trim();
        if (context.Length == 0)
        {
            throw new FormatException($"'{text}' names no context (use <Context|all>[:id,id...]).");
        }

        HashSet<string>? ids = null;
        if (parts.Length == 2)
        {
            ids = parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            if (ids.Count == 0)
            {
                throw new FormatException($"'{text}' has ':' but no ids after it.");
            }
        }

        return new(string.Equals(context, "all", StringComparison.OrdinalIgnoreCase) ? null : context, ids);
    }

    /// <summary>Whether a dead letter is selected.</summary>
    public bool Matches(DeadLetter letter) =>
        (Context is null || string.Equals(Context, letter.Data.Consumer, StringComparison.OrdinalIgnoreCase))
        && (Ids is null || Ids.Contains(letter.Id));

    /// <inheritdoc />
    public override string ToString() => (Context ?? "all") + (Ids is null ? "" : ":" + string.Join(',', Ids.Order(StringComparer.Ordinal)));
}
