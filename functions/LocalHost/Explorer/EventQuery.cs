namespace Store.LocalHost.Explorer;

/// <summary>
/// The Streams view's server-side filter and page: hub and partition, CloudEvents type, subject (contains), order id
/// (the subject or <c>data.orderId</c>), text anywhere in the body, enqueued time from/to; newest first, offset and limit.
/// </summary>
public sealed record EventQuery(
    string? Hub, string? Partition, string? Type, string? Subject, string? OrderId, string? Text, DateTimeOffset? From, DateTimeOffset? To, int Offset, int Limit)
{
    /// <summary>The largest page.</summary>
    public const int MaxLimit = 500;

    /// <summary>Reads the query string; every invalid parameter is listed in <paramref name="errors"/> (then the result is null).</summary>
    public static EventQuery? Parse(IQueryCollection query, EventStreamLog log, out Dictionary<string, string[]> errors)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        errors = problems;
        string? Text(string name) => query[name].ToString() is { Length: > 0 } v ? v : null;
        var hub = Text("hub");
        if (hub is not null && !log.HasHub(hub))
        {
            problems["hub"] = [$"'{hub}' is not a hub of schemas/catalog.json (known: {string.Join(", ", log.Hubs)})."];
        }

        var partition = Text("partition");
        if (partition is not null && (hub is null || !log.HasHub(hub) || !log.PartitionIds(hub).Contains(partition)))
        {
            problems["partition"] = [hub is null ? "A partition needs a hub." : $"'{partition}' is not a partition of '{hub}'."];
        }

        var offset = 0;
        if (Text("offset") is { } o && (!int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            problems["offset"] = ["offset must be a whole number ≥ 0."];
        }

        var limit = 50;
        if (Text("limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            problems["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        }

        DateTimeOffset? Time(string name)
        {
            if (Text(name) is not { } t)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return parsed;
            }

            problems[name] = [$"{name} must be an ISO 8601 time, e.g. 2026-01-01T12:00:00Z."];
            return null;
        }

        var (from, to) = (Time("from"), Time("to"));
        if (from > to)
        {
            problems["to"] = ["to must not be before from."];
        }

        return problems.Count > 0 ? null : new EventQuery(hub, partition, Text("type"), Text("subject"), Text("order"), Text("q"), from, to, offset, limit);
    }

    /// <summary>The matching events of the log, newest first, and how many match in all.</summary>
    public (int Total, IReadOnlyList<(StoredEvent Event, JsonObject? CloudEvent)> Page) Run(EventStreamLog log)
    {
        IEnumerable<string> hubs = Hub is null ? log.Hubs : [Hub];
        var matching = hubs.SelectMany(log.ReadAll)
            .Where(e => (Partition is null || e.PartitionId == Partition) && (From is null || e.EnqueuedTime >= From) && (To is null || e.EnqueuedTime <= To))
            .Where(e => Text is null || Encoding.UTF8.GetString(e.Body).Contains(Text, StringComparison.OrdinalIgnoreCase))
            .Select(e => (Event: e, CloudEvent: ParseObject(e.Body)))
            .Where(m => Matches(m.CloudEvent))
            .OrderByDescending(m => m.Event.EnqueuedTime).ThenBy(m => m.Event.Hub, StringComparer.Ordinal)
            .ThenBy(m => m.Event.PartitionId, StringComparer.Ordinal).ThenByDescending(m => m.Event.SequenceNumber)
            .ToList();
        return (matching.Count, matching.Skip(Offset).Take(Limit).ToArray());
    }

    /// <summary>The body as a JSON object, or null when it is not one.</summary>
    public static JsonObject? ParseObject(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private bool Matches(JsonObject? cloudEvent)
    {
        if (Type is null && Subject is null && OrderId is null)
        {
            return true;
        }

        string? Field(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var subject = Field(cloudEvent?["subject"]);
        return (Type is null || Field(cloudEvent?["type"]) == Type)
            && (Subject is null || (subject?.Contains(Subject, StringComparison.OrdinalIgnoreCase) ?? false))
            && (OrderId is null || subject == OrderId || Field((cloudEvent?["data"] as JsonObject)?["orderId"]) == OrderId);
    }
}
