namespace Store.Eventing.Outbox;

/// <summary>
/// Settings of the outbox relay: <c>Eventing:OutboxRelay:PendingFor</c> (the relay publishes older outboxes; default 1
/// minute, well above a live invocation's commit-to-publish time) and <c>Eventing:OutboxRelay:Grace</c> (how long a
/// partition stays in the marker index after its last outbox; default 15 minutes; writers re-list every quarter of it).
/// </summary>
public sealed record OutboxRelayOptions(TimeSpan PendingFor, TimeSpan Grace)
{
    public static OutboxRelayOptions Default { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));

    public TimeSpan IndexRefresh => Grace / 4;

    /// <summary>Reads the options (format "hh:mm:ss[.fff]").</summary>
    public static OutboxRelayOptions From(IConfiguration configuration) => new(
        Read(configuration, "Eventing:OutboxRelay:PendingFor", Default.PendingFor),
        Read(configuration, "Eventing:OutboxRelay:Grace", Default.Grace));

    private static TimeSpan Read(IConfiguration configuration, string key, TimeSpan fallback) =>
        configuration[key] is not { Length: > 0 } value ? fallback
        : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span
        : throw new InvalidOperationException($"Setting {key} must be a TimeSpan such as 00:01:00, not '{value}'.");
}

/// <summary>What one relay run did, summed over the context's tables.</summary>
public sealed record OutboxRelayOutcome(int Published, int Cleared, int Pending, int StaleMarkers, int Partitions)
{
    public static OutboxRelayOutcome None { get; } = new(0, 0, 0, 0, 0);

    public OutboxRelayOutcome Add(OutboxRelayOutcome other) =>
        new(Published + other.Published, Cleared + other.Cleared, Pending + other.Pending, StaleMarkers + other.StaleMarkers, Partitions + other.Partitions);
}

/// <summary>One table whose outboxes the relay watches.</summary>
public interface IRelayedOutbox
{
    string Table { get; }

    /// <summary>Publishes and clears this table's outboxes pending for longer than <see cref="OutboxRelayOptions.PendingFor"/>.</summary>
    Task<OutboxRelayOutcome> RelayAsync(IEventPublisher publisher, OutboxConfirmations confirmations, OutboxRelayOptions options, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// Publishes, under their original ids, committed outboxes that no live invocation published, then clears them; a timer
/// function per context calls <see cref="RunAsync"/> (see README.md).
/// </summary>
public sealed partial class OutboxRelay(
    IEnumerable<IRelayedOutbox> tables,
    IEventPublisher publisher,
    OutboxConfirmations confirmations,
    OutboxRelayOptions options,
    EventingMetrics metrics,
    TimeProvider time,
    ILogger<OutboxRelay> logger)
{
    /// <summary>Every minute, at second 30.</summary>
    public const string Schedule = "30 * * * * *";

    /// <summary>One relay pass over every watched table; throws on transient failures (the next tick tries again).</summary>
    public async Task<OutboxRelayOutcome> RunAsync(string context, CancellationToken ct)
    {
        var outcome = OutboxRelayOutcome.None;
        foreach (var table in tables)
        {
            var result = await table.RelayAsync(publisher, confirmations, options, time.GetUtcNow(), ct).ConfigureAwait(false);
            if (result.Published > 0)
            {
                metrics.Relayed.Add(result.Published, new TagList { { "context", context }, { "table", table.Table } });
                LogRelayed(logger, context, table.Table, result.Published, result.Cleared);
            }

            outcome = outcome.Add(result);
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Context} outbox relay published {Published} pending outbox entries of table {Table} (and cleared {Cleared} rows): their invocations did not publish them")]
    private static partial void LogRelayed(ILogger logger, string context, string table, int published, int cleared);
}

public sealed class RelayedOutbox<TState>(TableStateStore<TState> store) : IRelayedOutbox
{
    private const int MaxParallelPartitions = 8;

    public string Table => store.Table.Name;

    public async Task<OutboxRelayOutcome> RelayAsync(IEventPublisher publisher, OutboxConfirmations confirmations, OutboxRelayOptions options, DateTimeOffset now, CancellationToken ct)
    {
        List<IndexedPartition> index;
        try
        {
            index = await store.Markers.ReadIndexAsync(ct).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // The table does not exist yet: no outbox either.
            return OutboxRelayOutcome.None;
        }

        var results = new OutboxRelayOutcome[index.Count];
        await Parallel.ForAsync(0, index.Count, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelPartitions, CancellationToken = ct }, async (i, c) =>
            results[i] = await RelayPartitionAsync(index[i], publisher, confirmations, options, now, c).ConfigureAwait(false)).ConfigureAwait(false);
        return results.Aggregate(OutboxRelayOutcome.None, (a, b) => a.Add(b));
    }

    private async Task<OutboxRelayOutcome> RelayPartitionAsync(IndexedPartition partition, IEventPublisher publisher, OutboxConfirmations confirmations, OutboxRelayOptions options, DateTimeOffset now, CancellationToken ct)
    {
        var partitionKey = partition.PartitionKey;
        var markers = await store.Markers.ReadMarkersAsync(partitionKey, ct).ConfigureAwait(false);
        if (markers.Count == 0)
        {
            // Nothing left here; unlisted only after the grace period (a writer may have listed it and not committed yet).
            if (now - partition.Since >= options.Grace)
            {
                await store.Markers.UnlistAsync(partition, ct).ConfigureAwait(false);
            }

            return OutboxRelayOutcome.None with { Partitions = 1 };
        }

        var due = markers.Where(m => now - m.Since >= options.PendingFor).ToList();
        var pending = markers.Count - due.Count;
        // The cache may hold older versions of these rows.
        var keys = due.Select(m => m.RowKey).ToList();
        store.Evict(partitionKey, keys);
        var rows = await store.ReadAsync(partitionKey, keys, ct).ConfigureAwait(false);
        var toPublish = new List<OutgoingEvent>();
        var toClear = new List<StateRecord<TState>>();
        var stale = 0;
        foreach (var marker in due)
        {
            var row = rows[marker.RowKey];
            if (!row.Exists || row.Outbox.Count == 0)
            {
                // Cleared without its marker (should not happen): drop the marker.
                stale += await store.Markers.DeleteStaleAsync(partitionKey, marker, ct).ConfigureAwait(false) ? 1 : 0;
                continue;
            }

            switch (confirmations.Classify(row.OutboxToken, mine: ""))
            {
                case FoundOutbox.Published:
                    // Published here; clearing it failed.
                    toClear.Add(row);
                    break;
                case FoundOutbox.InFlight:
                    // Its invocation is still running in this process: it publishes.
                    pending++;
                    break;
                default:
                    toPublish.AddRange(row.Outbox);
                    toClear.Add(row);
                    break;
            }
        }

        if (toPublish.Count > 0)
        {
            await publisher.PublishAsync(toPublish, ct).ConfigureAwait(false);
        }

        toClear.ForEach(row => confirmations.Confirm(row.OutboxToken!)); // a no-op for outboxes published before

        var cleared = await store.ClearOutboxesAsync(toClear, ct).ConfigureAwait(false);
        return new OutboxRelayOutcome(toPublish.Count, cleared, pending + (toClear.Count - cleared), stale, 1);
    }
}
