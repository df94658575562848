namespace Store.Eventing.State;

/// <summary>
/// What an entity has applied: the last applied sequence number per source partition (catches redelivery)
/// and a window of the <paramref name="capacity"/> most recent event ids (catches the same event re-published under a
/// new sequence number).
/// </summary>
public sealed class AppliedLog(int capacity = 256)
{
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
