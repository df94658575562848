namespace Store.Eventing.State;

/// <summary>
/// What a row remembers having applied: the last sequence number per source partition and the <paramref name="capacity"/>
/// most recent event ids. A fast path only: copies it has forgotten are caught by <see cref="AppliedMarks"/>.
/// </summary>
public sealed class AppliedLog(int capacity = AppliedLog.DefaultWindow)
{
    /// <summary>
    /// Ids a row keeps by default. Small, because every write and read of the row carries them (~37 bytes per GUID id)
    /// and the marks make a forgotten id cost one failed transaction, never a double count.
    /// </summary>
    public const int DefaultWindow = 32;

    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal); // per "hub/partition"
    private readonly OrderedDictionary<string, bool> _ids = new(StringComparer.Ordinal); // oldest first

    public bool Contains(string id, EventPosition position) =>
        _ids.ContainsKey(id) || (_positions.TryGetValue(position.Source, out var last) && position.SequenceNumber <= last);

    public void Add(string id, EventPosition position)
    {
        if (!_positions.TryGetValue(position.Source, out var last) || position.SequenceNumber > last)
        {
            _positions[position.Source] = position.SequenceNumber;
        }

        if (_ids.TryAdd(id, true) && _ids.Count > capacity)
        {
            _ids.RemoveAt(0);
        }
    }

    internal string SerializeIds() => string.Join(' ', _ids.Keys);

    internal string SerializePositions() => JsonSerializer.Serialize(_positions, StateJsonContext.Default.DictionaryStringInt64);

    internal static AppliedLog Parse(string? ids, string? positions, int capacity)
    {
        var log = new AppliedLog(capacity);
        foreach (var id in (ids ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            log._ids.TryAdd(id, true);
        }

        foreach (var (source, sequenceNumber) in string.IsNullOrEmpty(positions) ? [] : JsonSerializer.Deserialize(positions, StateJsonContext.Default.DictionaryStringInt64)!)
        {
            log._positions[source] = sequenceNumber;
        }

        return log;
    }
}
