namespace Store.LocalHost.Archive;

/// <summary>
/// Archived events cannot be read from the given position: the archive and the live log do not overlap (or a capture
/// file is missing). The consumer stops here rather than skip events.
/// </summary>
public sealed class ArchiveGapException(string hub, string partitionId, long firstMissing, long lastMissing)
    : Exception(string.Create(CultureInfo.InvariantCulture,
        $"Hub '{hub}' partition {partitionId}: events {firstMissing}..{lastMissing} are neither in the capture archive nor in the live log " +
        $"(archive and live retention do not overlap). Refusing to skip them: restore the missing capture files or re-run with longer retention."))
{
    public string Hub => hub;

    public string PartitionId => partitionId;

    public long FirstMissing => firstMissing;

    public long LastMissing => lastMissing;
}

/// <summary>
/// The local host's Event Hubs Capture: a folder laid out as Azure's default archive name format
/// (<c>{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}.avro</c>) holding Avro files in
/// the capture schema. The log writes one file per partition and retention window (<see cref="EventStreamLog.ApplyRetention"/>);
/// a consumer positioned before the live log reads here, in sequence order, and switches to the live log at the first
/// sequence number after the archive.
/// </summary>
public sealed class CaptureArchive(string root)
{
    private readonly ConcurrentDictionary<(string Hub, string Partition), IReadOnlyList<StoredEvent>> _read = new();
    private readonly ConcurrentDictionary<string, long> _readsPerHub = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Hub, string Partition), DateTime> _lastWindow = [];

    /// <summary>The archive folder (<c>&lt;out&gt;/capture</c> in replay and demo).</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The namespace part of the path: the domain's namespace (as <c>evhns-&lt;domain&gt;-local</c>).</summary>
    public static string NamespaceOf(string hub) =>
        $"evhns-{Store.Eventing.Catalog.EventCatalog.Current.Stream(hub).Domain.Name}-local";

    /// <summary>Events read from the archive so far, per hub (the bootstrap's work).</summary>
    public IReadOnlyDictionary<string, long> ReadsPerHub => _readsPerHub;

    /// <summary>
    /// Writes one capture window of a partition (events in sequence order) and returns its path. The file is named by the
    /// window's start time; a later window of the same partition always gets a later name.
    /// </summary>
    public string WriteWindow(string hub, string partitionId, IReadOnlyList<StoredEvent> events, DateTimeOffset windowStart)
    {
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        var start = windowStart.UtcDateTime;
        start = new DateTime(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, DateTimeKind.Utc);
        lock (_lastWindow)
        {
            if (_lastWindow.TryGetValue((hub, partitionId), out var last) && start <= last)
            {
                start = last.AddSeconds(1);
            }

            _lastWindow[(hub, partitionId)] = start;
        }

        var path = Path.Combine(
            Root, NamespaceOf(hub), hub, partitionId,
            start.ToString("yyyy", CultureInfo.InvariantCulture), start.ToString("MM", CultureInfo.InvariantCulture),
            start.ToString("dd", CultureInfo.InvariantCulture), start.ToString("HH", CultureInfo.InvariantCulture),
            start.ToString("mm", CultureInfo.InvariantCulture), start.ToString("ss", CultureInfo.InvariantCulture) + ".avro");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            CaptureFile.Write(file, events.Select(ToCaptured));
        }

        _read.TryRemove((hub, partitionId), out _);
        return path;
    }

    /// <summary>Capture files of a partition in archive order (the path's time components sort as written).</summary>
    public IReadOnlyList<string> FilesOf(string hub, string partitionId)
    {
        var folder = Path.Combine(Root, NamespaceOf(hub), hub, partitionId);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.avro", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>
    /// Up to <paramref name="max"/> archived events of a partition from <paramref name="fromSequence"/>, stopping before
    /// <paramref name="firstLive"/> (the live log takes over there). Throws <see cref="ArchiveGapException"/> when the
    /// archive does not hold <paramref name="fromSequence"/>.
    /// </summary>
    public IReadOnlyList<StoredEvent> Read(string hub, string partitionId, long fromSequence, int max, long firstLive)
    {
        var archived = ReadPartition(hub, partitionId);
        var start = archived.Count == 0 ? -1 : (int)(fromSequence - archived[0].SequenceNumber);
        if (start < 0 || start >= archived.Count)
        {
            // What is missing: from the position up to the next event anyone still has (the archive's first, or the live log).
            var nextAvailable = start < 0 && archived.Count > 0 ? archived[0].SequenceNumber : firstLive;
            throw new ArchiveGapException(hub, partitionId, fromSequence, nextAvailable - 1);
        }

        var result = archived.Skip(start).TakeWhile(e => e.SequenceNumber < firstLive).Take(max).ToList();
        _readsPerHub.AddOrUpdate(hub, result.Count, (_, n) => n + result.Count);
        return result;
    }

    /// <summary>Every archived event of a partition, in sequence order (consecutive; a hole throws <see cref="ArchiveGapException"/>).</summary>
    public IReadOnlyList<StoredEvent> ReadPartition(string hub, string partitionId) =>
        _read.GetOrAdd((hub, partitionId), key => Load(key.Hub, key.Partition));

    private List<StoredEvent> Load(string hub, string partitionId) =>
        Sequence(hub, partitionId, FilesOf(hub, partitionId).Select(path => (IReadOnlyList<CapturedEvent>)CaptureFile.Read(path)));

    /// <summary>
    /// The events of one partition's capture files, given in archive (name) order, as one run of consecutive sequence
    /// numbers; a hole between files (a lost file) throws <see cref="ArchiveGapException"/>. Shared by the capture folder
    /// and the Azure runner's blob archive.
    /// </summary>
    public static List<StoredEvent> Sequence(string hub, string partitionId, IEnumerable<IReadOnlyList<CapturedEvent>> files)
    {
        var events = new List<StoredEvent>();
        foreach (var file in files)
        {
            foreach (var captured in file)
            {
                // Files hold consecutive sequence numbers; a hole inside the archive (a lost file) is a gap too.
                if (events.Count > 0 && captured.SequenceNumber != events[^1].SequenceNumber + 1)
                {
                    throw new ArchiveGapException(hub, partitionId, events[^1].SequenceNumber + 1, captured.SequenceNumber - 1);
                }

                events.Add(ToStored(hub, partitionId, captured));
            }
        }

        return events;
    }

    private static CapturedEvent ToCaptured(StoredEvent e)
    {
        var system = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["x-opt-sequence-number"] = e.SequenceNumber,
            ["x-opt-offset"] = e.OffsetString,
            ["x-opt-enqueued-time"] = e.EnqueuedTime.ToUnixTimeMilliseconds(),
        };
        if (e.PartitionKey is not null)
        {
            system["x-opt-partition-key"] = e.PartitionKey;
        }

        if (e.MessageId is not null)
        {
            system["message-id"] = e.MessageId;
        }

        if (e.ContentType is not null)
        {
            system["content-type"] = e.ContentType;
        }

        return new CapturedEvent(e.SequenceNumber, e.OffsetString, e.EnqueuedTime, system, e.Properties.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal), e.Body);
    }

    private static StoredEvent ToStored(string hub, string partitionId, CapturedEvent c) =>
        new(
            hub,
            partitionId,
            c.SequenceNumber,
            long.Parse(c.Offset, NumberStyles.None, CultureInfo.InvariantCulture),
            c.SystemProperties.GetValueOrDefault("x-opt-partition-key") as string,
            // Capture stores whole seconds in EnqueuedTimeUtc; the annotation keeps milliseconds.
            c.SystemProperties.GetValueOrDefault("x-opt-enqueued-time") is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : c.EnqueuedTimeUtc,
            c.Body ?? [],
            c.Properties.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal),
            c.SystemProperties.GetValueOrDefault("message-id") as string,
            c.SystemProperties.GetValueOrDefault("content-type") as string);
}
