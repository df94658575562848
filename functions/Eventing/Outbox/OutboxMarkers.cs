namespace Store.Eventing.Outbox;

/// <summary>A marker as found by the relay: the row it marks, when the row's outbox last changed, its ETag.</summary>
public readonly record struct OutboxMarker(string RowKey, DateTimeOffset Since, ETag ETag);

/// <summary>A partition listed in the index: it may hold markers since <see cref="Since"/>.</summary>
public readonly record struct IndexedPartition(string PartitionKey, DateTimeOffset Since, ETag ETag);

/// <summary>The markers and the index that let the relay find outboxes without scanning tables (see README.md).</summary>
public sealed class OutboxMarkers(TableClient table, TimeSpan? refreshEvery = null)
{
    /// <summary>Row key prefix of markers ('~~' never starts an escaped key).</summary>
    public const string MarkerPrefix = "~~outbox~";

    public const string IndexPartition = "~~outbox-index~";

    // '~' + 1: the end of the marker key range.
    private const string MarkerPrefixEnd = "~~outbox\u007f";

    // How often a process re-lists a partition it keeps writing outboxes to; the relay's grace period must exceed it.
    private readonly TimeSpan _refreshEvery = refreshEvery ?? TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _indexed = new(StringComparer.Ordinal);

    public static bool IsMarker(string rowKey) => rowKey.StartsWith(MarkerPrefix, StringComparison.Ordinal);

    public static TableEntity Marker(string partitionKey, string rowKey) => new(partitionKey, MarkerPrefix + rowKey);

    /// <summary>Lists the partition in the index unless this process did so recently.</summary>
    public async Task EnsureIndexedAsync(string partitionKey, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        if (_indexed.TryGetValue(partitionKey, out var last) && now - last < _refreshEvery)
        {
            return;
        }

        await table.UpsertEntityAsync(new TableEntity(IndexPartition, partitionKey), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        if (_indexed.Count > 50_000)
        {
            // Partitions of single commands (an order, a receipt) are never written again: keep the map bounded.
            _indexed.Clear();
        }

        _indexed[partitionKey] = now;
    }

    public Task<List<IndexedPartition>> ReadIndexAsync(CancellationToken ct) =>
        QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartition}"), (key, since, etag) => new IndexedPartition(key, since, etag), ct);

    /// <summary>The markers of one partition (a key-range query).</summary>
    public Task<List<OutboxMarker>> ReadMarkersAsync(string partitionKey, CancellationToken ct) =>
        QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {MarkerPrefix} and RowKey lt {MarkerPrefixEnd}"),
            (key, since, etag) => new OutboxMarker(key[MarkerPrefix.Length..], since, etag), ct);

    private async Task<List<T>> QueryAsync<T>(string filter, Func<string, DateTimeOffset, ETag, T> row, CancellationToken ct)
    {
        var result = new List<T>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "Timestamp"], cancellationToken: ct).ConfigureAwait(false))
        {
            result.Add(row(entity.RowKey, entity.Timestamp ?? DateTimeOffset.MinValue, entity.ETag));
        }

        return result;
    }

    /// <summary>Removes a partition from the index if its index row did not change since it was read.</summary>
    public async Task UnlistAsync(IndexedPartition partition, CancellationToken ct)
    {
        if (await TryDeleteAsync(IndexPartition, partition.PartitionKey, partition.ETag, ct).ConfigureAwait(false))
        {
            _indexed.TryRemove(partition.PartitionKey, out _);
        }
    }

    /// <summary>Deletes a marker whose row holds no outbox, if the marker did not change since it was read.</summary>
    public Task<bool> DeleteStaleAsync(string partitionKey, OutboxMarker marker, CancellationToken ct) =>
        TryDeleteAsync(partitionKey, MarkerPrefix + marker.RowKey, marker.ETag, ct);

    private async Task<bool> TryDeleteAsync(string partitionKey, string rowKey, ETag etag, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, etag, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }
}
