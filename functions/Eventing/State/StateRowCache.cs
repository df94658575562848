namespace Store.Eventing.State;

/// <summary>An LRU cache of the rows this process last read or wrote, with their ETags, parsed; validated by the next write (see README.md).</summary>
internal sealed class StateRowCache<TRow>(int capacity)
    where TRow : class
{
    private readonly Dictionary<(string PartitionKey, string RowKey), LinkedListNode<Entry>> _rows = [];
    private readonly LinkedList<Entry> _lru = new();
    private readonly Lock _gate = new();

    public bool TryGet(string partitionKey, string rowKey, out TRow row, out ETag etag)
    {
        lock (_gate)
        {
            if (_rows.TryGetValue((partitionKey, rowKey), out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                (row, etag) = (node.Value.Row, node.Value.ETag);
                return true;
            }
        }

        (row, etag) = (null!, default);
        return false;
    }

    /// <summary>Stores the row as it now is in the table (most recently used). The row must not be changed afterwards.</summary>
    public void Set(string partitionKey, string rowKey, TRow row, ETag etag)
    {
        var key = (partitionKey, rowKey);
        lock (_gate)
        {
            if (_rows.Remove(key, out var old))
            {
                _lru.Remove(old);
            }

            _rows[key] = _lru.AddFirst(new Entry(key, row, etag));
            while (_rows.Count > capacity && _lru.Last is { } oldest)
            {
                _lru.RemoveLast();
                _rows.Remove(oldest.Value.Key);
            }
        }
    }

    public void Evict(string partitionKey, string rowKey)
    {
        lock (_gate)
        {
            if (_rows.Remove((partitionKey, rowKey), out var node))
            {
                _lru.Remove(node);
            }
        }
    }

    private sealed record Entry((string PartitionKey, string RowKey) Key, TRow Row, ETag ETag);
}
