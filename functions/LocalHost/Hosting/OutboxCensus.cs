using Store.Eventing.State;

namespace Store.LocalHost.Hosting;

/// <summary>Outbox bookkeeping of one context's tables: rows holding an outbox, pending markers, index rows.</summary>
public sealed record OutboxCount(string Context, int PendingRows, int Markers, int IndexRows)
{
    /// <summary>True when nothing is pending and no bookkeeping row is left.</summary>
    public bool IsClear => PendingRows == 0 && Markers == 0 && IndexRows == 0;
}

/// <summary>
/// Counts, straight from storage (no injected faults), the rows that still hold an outbox: after quiescence every outbox
/// must have been published and cleared. A diagnostic for summaries and tests, so it reads whole tables; the relay never does.
/// </summary>
public static class OutboxCensus
{
    /// <summary>Counts per context (a table belongs to the context whose lowercase name prefixes it).</summary>
    public static Task<IReadOnlyList<OutboxCount>> CountAsync(string connectionString, IEnumerable<string> contexts, CancellationToken ct) =>
        CountAsync(new TableServiceClient(connectionString), contexts, ct);

    /// <summary>Counts per context in <paramref name="service"/>.</summary>
    public static async Task<IReadOnlyList<OutboxCount>> CountAsync(TableServiceClient service, IEnumerable<string> contexts, CancellationToken ct)
    {
        var names = contexts.ToList();
        var counts = names.ToDictionary(c => c, c => new OutboxCount(c, 0, 0, 0), StringComparer.Ordinal);
        foreach (var table in await ReplayExport.ListTablesAsync(service, ct).ConfigureAwait(false))
        {
            var owner = names.Where(c => table.StartsWith(c, StringComparison.OrdinalIgnoreCase)).OrderByDescending(c => c.Length).FirstOrDefault();
            if (owner is null)
            {
                continue;
            }

            int pending = 0, markers = 0, index = 0;
            await foreach (var entity in service.GetTableClient(table).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "Outbox"], cancellationToken: ct).ConfigureAwait(false))
            {
                if (entity.PartitionKey == OutboxMarkers.IndexPartition)
                {
                    index++;
                }
                else if (OutboxMarkers.IsMarker(entity.RowKey))
                {
                    markers++;
                }
                else if (entity.GetBinary("Outbox") is { Length: > 0 })
                {
                    pending++;
                }
            }

            var c = counts[owner];
            counts[owner] = c with { PendingRows = c.PendingRows + pending, Markers = c.Markers + markers, IndexRows = c.IndexRows + index };
        }

        return names.Select(n => counts[n]).ToList();
    }
}

/// <summary>Lets the outbox relays finish: runs them until no row holds an outbox (quiescence for the outbox).</summary>
public static class OutboxSettling
{
    /// <summary>
    /// Repeats: <paramref name="drain"/> (consumers catch up), count; stop when nothing is pending (and, with
    /// <paramref name="untilIndexEmpty"/>, the relay has also unlisted every partition); else run every relay and wait a
    /// little on the scaled clock. Returns the last count.
    /// </summary>
    public static async Task<IReadOnlyList<OutboxCount>> SettleAsync(LocalFunctionsHost host, Func<CancellationToken, Task> drain, bool untilIndexEmpty, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pause = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, (long)(TimeSpan.FromSeconds(15).Ticks * host.Timers.TimeScale)));
        while (true)
        {
            await drain(ct).ConfigureAwait(false);
            var counts = await OutboxCensus.CountAsync(host.Options.StateTables ?? new TableServiceClient(host.Options.StorageConnectionString), host.Apps.Select(a => a.Name), ct).ConfigureAwait(false);
            if (counts.All(c => c.PendingRows == 0 && c.Markers == 0 && (!untilIndexEmpty || c.IndexRows == 0)) || DateTime.UtcNow > deadline)
            {
                return counts;
            }

            await Task.Delay(pause, ct).ConfigureAwait(false);
            await host.Timers.RunAllAsync(ct).ConfigureAwait(false);
        }
    }
}
