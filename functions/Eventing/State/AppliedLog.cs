namespace Store.Eventing.State;

/// <summary>
/// What an entity has applied: the last applied sequence number per source partition (catches redelivery)
/// and a bounded window of recent event ids (catches the same event re-published under a new sequence number).
/// </summary>
public sealed class AppliedLog
{
    private readonly Dictionary<string, long> _positions; // last applied sequence number per "hub/partition"
    private readonly List<string> _ids; // oldest first
    private readonly HashSet<string> _idSet;
    private readonly int _capacity;

    /// <summary>Creates a log that remembers at most <paramref name="capacity"/> recent ids.</summary>
    public AppliedLog(int capacity = 256)
        : this(new Dictionary<string, long>(StringComparer.Ordinal), [], capacity)
    {
    }

    private AppliedLog(Dictionary<string, long> positions, List<string> ids, int capacity)
    {
        _positions = positions;
        _ids = ids;
        _idSet = new HashSet<string>(ids, StringComparer.Ordinal);
        _capacity = capacity;
    }

    /// <summary>True when the id is known or the position is at or below the source partition's applied position.</summary>
    public bool Contains(string id, EventPosition position) =>
        _idSet.Contains(id) || (_positions.TryGetValue(position.Source, out var last) && position.SequenceNumber <= last);

    /// <summary>Records an applied event.</summary>
    public void Add(string id, EventPosition position)
    {
        if (!_positions.TryGetValue(position.Source, out var last) || position.SequenceNumber > last)
        {
            _positions[position.Source] = position.SequenceNumber;
        }

        if (_idSet.Add(id))
        {
            _ids.Add(id);
            if (_ids.Count > _capacity)
            {
                _idSet.Remove(_ids[0]);
                _ids.RemoveAt(0);
            }
        }
    }

    internal string SerializeIds() => string.Join(' ', _ids);

    internal string SerializePositions() => JsonSerializer.Serialize(_positions, StateJsonContext.Default.DictionaryStringInt64);

    internal static AppliedLog Parse(string? ids, string? positions, int capacity)
    {
        // The deserialized dictionary compares keys ordinally too (the default string comparer).
        var map = string.IsNullOrEmpty(positions) ? new(StringComparer.Ordinal) : JsonSerializer.Deserialize(positions, StateJsonContext.Default.DictionaryStringInt64)!;
        return new AppliedLog(map, [.. (ids ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)], capacity);
    }
}
