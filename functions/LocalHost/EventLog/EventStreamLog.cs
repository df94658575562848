namespace Store.LocalHost.EventLog;

/// <summary>One event as stored in a partition: position, routing and payload.</summary>
public sealed record StoredEvent(
    string Hub,
    string PartitionId,
    long SequenceNumber,
    long Offset,
    string? PartitionKey,
    DateTimeOffset EnqueuedTime,
    byte[] Body,
    IReadOnlyDictionary<string, object> Properties,
    string? MessageId,
    string? ContentType)
{
    /// <summary>The offset as the SDK's <c>OffsetString</c>.</summary>
    public string OffsetString => Offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An event to append: payload and routing.</summary>
public sealed record EventToAppend(
    byte[] Body,
    string? PartitionKey = null,
    IReadOnlyDictionary<string, object>? Properties = null,
    string? MessageId = null,
    string? ContentType = null);

/// <summary>
/// An embedded event log with Event Hubs semantics: hubs and partition counts from the catalog, a stable hash of the
/// partition key picks the partition (no key: round robin), order per partition, sequence numbers from 0 and byte
/// offsets per partition, and consumer groups that checkpoint independently. Retention is emulated on request
/// (<see cref="ApplyRetention"/>): events beyond the bound move into Avro capture files (<see cref="Archive"/>) and leave
/// the live log; a reader positioned before the live log reads them back from the archive, in sequence order, and
/// continues on the live log from the first sequence number after it (the bootstrap). Without retention nothing is
/// trimmed. The log keeps every event in memory for <see cref="ReadAll"/> (the replay's stream export).
/// </summary>
public sealed class EventStreamLog
{
    private readonly Dictionary<string, Hub> _hubs;
    private readonly Dictionary<(string Hub, string Group, string Partition), long> _checkpoints = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private long _version;

    /// <summary>Creates a log with every hub of <paramref name="catalog"/>.</summary>
    public EventStreamLog(EventCatalog catalog, TimeProvider? time = null)
        : this(catalog.Streams.Select(s => (s.Stream.Hub, s.Stream.Partitions)), time)
    {
    }

    /// <summary>Creates a log with the given hubs and partition counts.</summary>
    public EventStreamLog(IEnumerable<(string Hub, int Partitions)> hubs, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _hubs = hubs.ToDictionary(h => h.Hub, h => new Hub(h.Hub, h.Partitions), StringComparer.Ordinal);
    }

    /// <summary>The capture archive expired events move to (null: no retention, nothing expires).</summary>
    public CaptureArchive? Archive { get; set; }

    /// <summary>Hub names, in catalog order.</summary>
    public IReadOnlyList<string> Hubs => [.. _hubs.Keys];

    /// <summary>Incremented on every append and checkpoint; used to detect quiescence.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Whether the hub exists.</summary>
    public bool HasHub(string hub) => _hubs.ContainsKey(hub);

    /// <summary>Number of partitions of a hub.</summary>
    public int PartitionCount(string hub) => HubOf(hub).Partitions.Length;

    /// <summary>Partition ids of a hub ("0", "1", ...).</summary>
    public IReadOnlyList<string> PartitionIds(string hub) =>
        Enumerable.Range(0, PartitionCount(hub)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>
    /// The partition a key maps to: FNV-1a (32 bit) of the UTF-8 key modulo the partition count. Stable across
    /// processes and runs (unlike <see cref="string.GetHashCode()"/>), so one aggregate's events always share a partition.
    /// </summary>
    public static int PartitionFor(string partitionKey, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(partitionKey))
        {
            hash = (hash ^ b) * 16777619;
        }

        return (int)(hash % (uint)partitions);
    }

    /// <summary>Appends events to a hub; events with the same partition key keep their order. Returns the stored events.</summary>
    public IReadOnlyList<StoredEvent> Append(string hub, IEnumerable<EventToAppend> events)
    {
        var target = HubOf(hub);
        var stored = new List<StoredEvent>();
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var touched = new HashSet<Partition>();
            foreach (var e in events)
            {
                var index = e.PartitionKey is null
                    ? (int)(target.RoundRobin++ % target.Partitions.Length)
                    : PartitionFor(e.PartitionKey, target.Partitions.Length);
                var partition = target.Partitions[index];
                var item = new StoredEvent(
                    hub, index.ToString(System.Globalization.CultureInfo.InvariantCulture), partition.Events.Count, partition.NextOffset,
                    e.PartitionKey, now, e.Body, e.Properties ?? new Dictionary<string, object>(), e.MessageId, e.ContentType);
                partition.Events.Add(item);
                partition.NextOffset += Math.Max(1, e.Body.Length);
                stored.Add(item);
                touched.Add(partition);
            }

            if (stored.Count > 0)
            {
                Interlocked.Increment(ref _version);
                foreach (var partition in touched)
                {
                    SignalLocked(partition);
                }
            }
        }

        return stored;
    }

    /// <summary>Appends one event.</summary>
    public StoredEvent Append(string hub, EventToAppend e) => Append(hub, [e])[0];

    /// <summary>
    /// Reads up to <paramref name="max"/> events of a partition starting at sequence number <paramref name="fromSequence"/>.
    /// Before the live log's first event it reads the capture archive (never both in one batch); throws
    /// <see cref="ArchiveGapException"/> when neither holds <paramref name="fromSequence"/>.
    /// </summary>
    public IReadOnlyList<StoredEvent> Read(string hub, string partitionId, long fromSequence, int max)
    {
        var partition = PartitionOf(hub, partitionId);
        long firstLive;
        lock (_gate)
        {
            firstLive = partition.FirstLive;
        }

        if (fromSequence < firstLive)
        {
            return (Archive ?? throw new ArchiveGapException(hub, partitionId, fromSequence, firstLive - 1))
                .Read(hub, partitionId, fromSequence, max, firstLive);
        }

        lock (_gate)
        {
            var start = (int)Math.Clamp(fromSequence, 0, partition.Events.Count);
            var count = Math.Min(max, partition.Events.Count - start);
            return count <= 0 ? [] : partition.Events.GetRange(start, count);
        }
    }

    /// <summary>The sequence number the next event of a partition will get (= number of events in it).</summary>
    public long EndOf(string hub, string partitionId)
    {
        var partition = PartitionOf(hub, partitionId);
        lock (_gate)
        {
            return partition.Events.Count;
        }
    }

    /// <summary>The sequence number of a partition's first live event (0 until retention moved events to the archive).</summary>
    public long FirstLive(string hub, string partitionId)
    {
        var partition = PartitionOf(hub, partitionId);
        lock (_gate)
        {
            return partition.FirstLive;
        }
    }

    /// <summary>
    /// Emulates retention with Capture: in every partition, every live event except the last <paramref name="keepPerPartition"/>
    /// is written to one capture file (a window) in <see cref="Archive"/> and leaves the live log. Returns the files written.
    /// </summary>
    public IReadOnlyList<string> ApplyRetention(int keepPerPartition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepPerPartition);
        var archive = Archive ?? throw new InvalidOperationException("Retention needs a capture archive (EventStreamLog.Archive).");
        var files = new List<string>();
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var hub in _hubs.Values)
            {
                for (var i = 0; i < hub.Partitions.Length; i++)
                {
                    var partition = hub.Partitions[i];
                    var cut = Math.Max(partition.FirstLive, partition.Events.Count - keepPerPartition);
                    CaptureLocked(archive, hub.Name, i, partition, cut, files);
                    partition.FirstLive = cut;
                }
            }

            Interlocked.Increment(ref _version);
        }

        return files;
    }

    /// <summary>
    /// Closes the capture window: every event not yet captured (live ones too) is written to the archive, as Azure's
    /// Capture archives every event within its window whatever the hub's retention. The live log is unchanged.
    /// </summary>
    public IReadOnlyList<string> CaptureRemaining()
    {
        var archive = Archive ?? throw new InvalidOperationException("Capture needs a capture archive (EventStreamLog.Archive).");
        var files = new List<string>();
        lock (_gate)
        {
            foreach (var hub in _hubs.Values)
            {
                for (var i = 0; i < hub.Partitions.Length; i++)
                {
                    CaptureLocked(archive, hub.Name, i, hub.Partitions[i], hub.Partitions[i].Events.Count, files);
                }
            }
        }

        return files;
    }

    /// <summary>
    /// Loads a whole archive as expired history (the rebuild's source): every partition holds the archived events and its
    /// live log starts after them, so every reader from the start reads the archive. Only on an empty log.
    /// </summary>
    public void RestoreFromArchive()
    {
        var archive = Archive ?? throw new InvalidOperationException("Restore needs a capture archive (EventStreamLog.Archive).");
        lock (_gate)
        {
            foreach (var hub in _hubs.Values)
            {
                for (var i = 0; i < hub.Partitions.Length; i++)
                {
                    var partition = hub.Partitions[i];
                    if (partition.Events.Count > 0)
                    {
                        throw new InvalidOperationException("RestoreFromArchive needs an empty log.");
                    }

                    var archived = archive.ReadPartition(hub.Name, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (archived.Count > 0 && archived[0].SequenceNumber != 0)
                    {
                        throw new ArchiveGapException(hub.Name, i.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, archived[0].SequenceNumber - 1);
                    }

                    partition.Events.AddRange(archived);
                    partition.NextOffset = archived.Count == 0 ? 0 : archived[^1].Offset + Math.Max(1, archived[^1].Body.Length);
                    partition.FirstLive = partition.CapturedUpTo = archived.Count;
                }
            }

            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>
    /// Loads history into an empty partition as its live log, keeping sequence numbers and offsets (the Azure rebuild
    /// delivers the archive up to the switchover this way). The history must start at sequence number 0 and be consecutive.
    /// </summary>
    public void Restore(string hub, string partitionId, IReadOnlyList<StoredEvent> history)
    {
        var partition = PartitionOf(hub, partitionId);
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i].SequenceNumber != i || history[i].Hub != hub || history[i].PartitionId != partitionId)
            {
                throw new ArgumentException($"Restore needs {hub}/{partitionId}'s events from sequence number 0 without holes; event {i} is {history[i].Hub}/{history[i].PartitionId}#{history[i].SequenceNumber}.", nameof(history));
            }
        }

        lock (_gate)
        {
            if (partition.Events.Count > 0)
            {
                throw new InvalidOperationException($"Restore needs an empty partition ({hub}/{partitionId} holds {partition.Events.Count} events).");
            }

            partition.Events.AddRange(history);
            partition.NextOffset = history.Count == 0 ? 0 : history[^1].Offset + Math.Max(1, history[^1].Body.Length);
            Interlocked.Increment(ref _version);
            SignalLocked(partition);
        }
    }

    private static void CaptureLocked(CaptureArchive archive, string hub, int index, Partition partition, long upTo, List<string> files)
    {
        if (upTo <= partition.CapturedUpTo)
        {
            return;
        }

        var window = partition.Events.GetRange((int)partition.CapturedUpTo, (int)(upTo - partition.CapturedUpTo));
        files.Add(archive.WriteWindow(hub, index.ToString(System.Globalization.CultureInfo.InvariantCulture), window, window[0].EnqueuedTime));
        partition.CapturedUpTo = upTo;
    }

    /// <summary>Every event of a hub, partition by partition, in sequence order.</summary>
    public IReadOnlyList<StoredEvent> ReadAll(string hub)
    {
        var target = HubOf(hub);
        lock (_gate)
        {
            return target.Partitions.SelectMany(p => p.Events).ToArray();
        }
    }

    /// <summary>Total events in all hubs.</summary>
    public long TotalEvents
    {
        get
        {
            lock (_gate)
            {
                return _hubs.Values.Sum(h => h.Partitions.Sum(p => (long)p.Events.Count));
            }
        }
    }

    /// <summary>
    /// The checkpoint of a consumer group on a partition: the sequence number of the next event to deliver, or null when
    /// the group has never checkpointed there (the consumer then starts according to <c>initialOffsetOptions</c>).
    /// </summary>
    public long? Checkpoint(string hub, string consumerGroup, string partitionId)
    {
        lock (_gate)
        {
            return _checkpoints.TryGetValue((hub, consumerGroup, partitionId), out var next) ? next : null;
        }
    }

    /// <summary>Records that <paramref name="consumerGroup"/> has processed a partition up to (excluding) <paramref name="nextSequence"/>.</summary>
    public void SetCheckpoint(string hub, string consumerGroup, string partitionId, long nextSequence)
    {
        _ = PartitionOf(hub, partitionId);
        lock (_gate)
        {
            _checkpoints[(hub, consumerGroup, partitionId)] = nextSequence;
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>
    /// Completes when the partition holds an event at <paramref name="sequenceNumber"/> (at once if it does already). Only
    /// appends to that partition wake its waiters: a pump per (consumer group, partition) sleeps until its own partition
    /// grows, not on every append to any hub.
    /// </summary>
    public Task WaitForEventAsync(string hub, string partitionId, long sequenceNumber, CancellationToken ct)
    {
        var partition = PartitionOf(hub, partitionId);
        lock (_gate)
        {
            return partition.Events.Count > sequenceNumber ? Task.CompletedTask : partition.Appended.Task.WaitAsync(ct);
        }
    }

    private static void SignalLocked(Partition partition)
    {
        var previous = partition.Appended;
        partition.Appended = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Hub HubOf(string hub) =>
        _hubs.TryGetValue(hub, out var found) ? found : throw new KeyNotFoundException($"Hub '{hub}' does not exist (hubs: {string.Join(", ", _hubs.Keys)}).");

    private Partition PartitionOf(string hub, string partitionId)
    {
        var target = HubOf(hub);
        return int.TryParse(partitionId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < target.Partitions.Length
            ? target.Partitions[index]
            : throw new KeyNotFoundException($"Hub '{hub}' has no partition '{partitionId}'.");
    }

    private sealed class Hub(string name, int partitions)
    {
        public string Name { get; } = name;

        public Partition[] Partitions { get; } = Enumerable.Range(0, partitions).Select(_ => new Partition()).ToArray();

        public long RoundRobin { get; set; }
    }

    private sealed class Partition
    {
        public List<StoredEvent> Events { get; } = [];

        public long NextOffset { get; set; }

        public long FirstLive { get; set; }

        public long CapturedUpTo { get; set; }

        /// <summary>Completed (and replaced) by the next append to this partition.</summary>
        public TaskCompletionSource Appended { get; set; } = NewSignal();
    }
}
