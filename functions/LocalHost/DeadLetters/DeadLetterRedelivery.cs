namespace Store.LocalHost.DeadLetters;

/// <summary>What happened to one redelivered dead letter (deltas of the consumer's counters during its delivery).</summary>
public sealed record RedeliveryResult(DeadLetter Letter, string Outcome, string? Function, long Processed, long Duplicates, long DeadLettered, long Emitted);

/// <summary>
/// Re-injects dead letters into their ORIGINAL consumer only: the Event Hubs function of the dead letter's consumer context
/// that triggers on its source hub with its consumer group. No other consumer group sees the event (it is not appended to
/// the hub); the consumer's outputs go through the normal publishing path, so downstream consumers pick them up.
/// <para>
/// The original <see cref="Azure.Messaging.EventHubs.EventData"/> is rebuilt from the dead letter: body per bodyEncoding,
/// properties (plus <see cref="RedeliveredProperty"/> = the dead letter's id), sequence number, offset and enqueued time.
/// It is delivered on the partition id <c>dlq-&lt;original partition&gt;-&lt;sequence number&gt;</c>: the kit's
/// per-source-partition position then never compares it with the original partition's later positions (which would skip
/// it as "already applied"), nor with other redelivered dead letters (an older one after a newer one), while a second
/// redelivery of the same dead letter is caught by that position and by the event-id window.
/// </para>
/// <para>
/// An event that fails again (malformed JSON, unknown type, a bug not fixed yet) is dead-lettered by the kit with the
/// redelivery partition in its id; the host maps such a dead letter back to the original position and the original
/// dead-letter id, so failing again is idempotent: the same dead-letter id, never a second one.
/// </para>
/// </summary>
public static class DeadLetterRedelivery
{
    /// <summary>The property added to a redelivered event: the id of the dead letter it came from.</summary>
    public const string RedeliveredProperty = "store-redelivered-dead-letter";

    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>The redelivery partition id of a dead letter.</summary>
    public static string PartitionFor(DeadLetter letter) =>
        string.Create(CultureInfo.InvariantCulture, $"dlq-{letter.Data.PartitionId}-{letter.Data.SequenceNumber}");

    /// <summary>The dead letters currently in the host's dead-letter hub, in log order, one per id (a re-dead-lettered event keeps its id).</summary>
    public static IReadOnlyList<DeadLetter> InLog(EventStreamLog log) =>
        log.ReadAll(EventCatalog.Current.DeadLetterStream.Hub)
            .OrderBy(e => e.EnqueuedTime).ThenBy(e => e.PartitionId, StringComparer.Ordinal).ThenBy(e => e.SequenceNumber)
            .Select(e => DeadLetter.Parse(e.Body))
            .OfType<DeadLetter>()
            .DistinctBy(d => d.Id)
            .ToArray();

    /// <summary>
    /// Redelivers every selected dead letter, one at a time, in source order (hub, partition, sequence number) per consumer.
    /// An injected crash (no checkpoint) redelivers it again, as the host would. Does not wait for downstream consumers:
    /// drain or wait for quiescence afterwards.
    /// </summary>
    public static async Task<IReadOnlyList<RedeliveryResult>> RedeliverAsync(LocalFunctionsHost host, IEnumerable<DeadLetter> letters, CancellationToken ct)
    {
        var results = new List<RedeliveryResult>();
        var ordered = letters
            .OrderBy(l => l.Data.Consumer, StringComparer.Ordinal).ThenBy(l => l.Data.SourceHub, StringComparer.Ordinal)
            .ThenBy(l => l.Data.PartitionId, StringComparer.Ordinal).ThenBy(l => l.Data.SequenceNumber);
        foreach (var letter in ordered)
        {
            var app = host.Apps.FirstOrDefault(a => string.Equals(a.Name, letter.Data.Consumer, StringComparison.Ordinal));
            var function = app?.Functions.FirstOrDefault(f => f.EventHub is { } t && t.Hub == letter.Data.SourceHub && t.ConsumerGroup == letter.Data.ConsumerGroup);
            if (app is null || function is null)
            {
                results.Add(new RedeliveryResult(letter, $"skipped: no function of {letter.Data.Consumer} consumes {letter.Data.SourceHub} as '{letter.Data.ConsumerGroup}'", null, 0, 0, 0, 0));
                continue;
            }

            var stats = host.StatsOf(app.Name);
            var (processed, duplicates, deadLettered, emitted) = (stats.Processed, stats.Duplicates, stats.DeadLettered, stats.Emitted);
            var partition = PartitionFor(letter);
            var stored = ToStoredEvent(letter, partition);
            Current.Value = new Scope(letter, partition);
            try
            {
                for (var attempt = 0; !await host.DeliverAsync(app, function, partition, [stored], ct).ConfigureAwait(false); attempt++)
                {
                    if (attempt >= 100)
                    {
                        throw new InvalidOperationException($"Redelivery of dead letter {letter.Id} crashed 100 times in a row.");
                    }
                }
            }
            finally
            {
                Current.Value = null;
            }

            var delta = (P: stats.Processed - processed, D: stats.Duplicates - duplicates, X: stats.DeadLettered - deadLettered, E: stats.Emitted - emitted);
            var outcome = delta.X > 0 ? "dead-lettered again" : delta.P > 0 ? "processed" : delta.D > 0 ? "duplicate (already applied)" : "no effect";
            results.Add(new RedeliveryResult(letter, outcome, function.Name, delta.P, delta.D, delta.X, delta.E));
        }

        return results;
    }

    /// <summary>The stored event a consumer receives for a dead letter on its redelivery partition.</summary>
    public static StoredEvent ToStoredEvent(DeadLetter letter, string partitionId)
    {
        var properties = letter.Data.Properties.ToDictionary(p => p.Key, p => (object)p.Value, StringComparer.Ordinal);
        properties[RedeliveredProperty] = letter.Id;
        var offset = long.TryParse(letter.Data.Offset, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
        var messageId = letter.Data.Properties.TryGetValue("cloudEvents:id", out var id) ? id : null;
        return new StoredEvent(letter.Data.SourceHub, partitionId, letter.Data.SequenceNumber, offset, null, letter.Data.EnqueuedTime,
            letter.OriginalBody, properties, messageId, null);
    }

    /// <summary>
    /// Applied by the host's publisher to everything a context publishes: during a redelivery, a dead letter the consumer
    /// writes for the redelivered event gets the original partition back and the original dead-letter id.
    /// </summary>
    public static OutgoingEvent RewriteIfRedelivered(OutgoingEvent e)
    {
        if (Current.Value is not { } scope || e.Hub != EventCatalog.Current.DeadLetterStream.Hub)
        {
            return e;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(e.Body);
        }
        catch (JsonException)
        {
            return e;
        }

        if (node?["data"] is not JsonObject data
            || data["partitionId"]?.GetValue<string>() != scope.Partition
            || data["sourceHub"]?.GetValue<string>() != scope.Letter.Data.SourceHub
            || data["sequenceNumber"]?.GetValue<long>() != scope.Letter.Data.SequenceNumber)
        {
            return e;
        }

        data["partitionId"] = scope.Letter.Data.PartitionId;
        node["id"] = scope.Letter.Id;
        return e with { Id = scope.Letter.Id, Body = JsonSerializer.SerializeToUtf8Bytes(node, LocalHostJson.Default.JsonNode) };
    }

    private sealed record Scope(DeadLetter Letter, string Partition);
}
