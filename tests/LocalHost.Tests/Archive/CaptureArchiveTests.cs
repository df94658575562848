using Avro.File;
using Avro.Generic;

namespace Store.LocalHost.Tests.Archive;

/// <summary>
/// The local host's Event Hubs Capture: retention moves events into Avro files in Azure's layout and schema, a reader
/// positioned before the live log reads them back in sequence order and switches to the live log without gap or overlap,
/// and a gap between archive and live log stops the reader with the missing range. A committed capture file in Azure's
/// layout and schema is read by the same reader.
/// </summary>
public sealed class CaptureArchiveTests : IDisposable
{
    private const string Hub = "sales-orders";
    private readonly string _dir = Directory.CreateTempSubdirectory("capture-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Retention_writes_expired_events_as_capture_files_in_azures_layout_and_schema_that_read_back_unchanged()
    {
        var log = NewLog(out var archive);
        var appended = Append(log, 10);

        var files = log.ApplyRetention(keepPerPartition: 3);

        var file = Assert.Single(files);
        var relative = Path.GetRelativePath(archive.Root, file).Replace('\\', '/');
        // {Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}.avro
        Assert.Matches(@"^evhns-sales-local/sales-orders/0/\d{4}/\d{2}/\d{2}/\d{2}/\d{2}/\d{2}\.avro$", relative);
        Assert.Equal(7, log.FirstLive(Hub, "0"));

        // The file carries the standard capture schema (read with no reader schema: what the file itself declares).
        using (var stream = File.OpenRead(file))
        using (var reader = DataFileReader<GenericRecord>.OpenReader(stream))
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(CaptureFile.SchemaJson), JsonNode.Parse(reader.GetSchema().ToString())));
        }

        var captured = CaptureFile.Read(file);
        Assert.Equal(appended.Take(7).Select(e => e.SequenceNumber), captured.Select(c => c.SequenceNumber));
        for (var i = 0; i < captured.Count; i++)
        {
            Assert.Equal(appended[i].Body, captured[i].Body);
            Assert.Equal(appended[i].OffsetString, captured[i].Offset);
            Assert.Equal($"O-{i}", captured[i].SystemProperties["x-opt-partition-key"]);
            Assert.Equal($"id-{i}", captured[i].Properties["cloudEvents:id"]);
            Assert.Equal(appended[i].EnqueuedTime.ToUnixTimeSeconds(), captured[i].EnqueuedTimeUtc.ToUnixTimeSeconds());
        }
    }

    [Fact]
    public void A_reader_from_the_start_gets_every_event_once_in_order_across_archive_windows_and_the_live_log()
    {
        var log = NewLog(out _);
        var appended = Append(log, 10);
        log.ApplyRetention(keepPerPartition: 6);
        log.ApplyRetention(keepPerPartition: 3);
        appended = [.. appended, .. Append(log, 2, first: 10)];

        var read = new List<StoredEvent>();
        for (long next = 0; next < log.EndOf(Hub, "0");)
        {
            var batch = log.Read(Hub, "0", next, max: 4);
            Assert.NotEmpty(batch);
            // One source per batch: the switchover is at the first live sequence number.
            Assert.True(batch[^1].SequenceNumber < log.FirstLive(Hub, "0") || batch[0].SequenceNumber >= log.FirstLive(Hub, "0"));
            read.AddRange(batch);
            next = batch[^1].SequenceNumber + 1;
        }

        Assert.Equal(appended.Select(e => e.SequenceNumber), read.Select(e => e.SequenceNumber));
        Assert.Equal(appended.Select(e => Encoding.UTF8.GetString(e.Body)), read.Select(e => Encoding.UTF8.GetString(e.Body)));
        Assert.Equal(appended.Select(e => e.PartitionKey), read.Select(e => e.PartitionKey));
        Assert.Equal(appended.Select(e => e.MessageId), read.Select(e => e.MessageId));
        Assert.Equal(appended.Select(e => e.Properties["cloudEvents:id"]), read.Select(e => e.Properties["cloudEvents:id"]));
    }

    [Fact]
    public void When_archive_and_live_log_do_not_overlap_the_reader_stops_with_the_missing_range()
    {
        var log = NewLog(out var archive);
        Append(log, 10);
        log.ApplyRetention(keepPerPartition: 6); // archive 0..3
        var second = Assert.Single(log.ApplyRetention(keepPerPartition: 3)); // archive 4..6, live 7..9
        File.Delete(second);

        Assert.Equal(3, log.Read(Hub, "0", 0, 10)[^1].SequenceNumber);
        var gap = Assert.Throws<ArchiveGapException>(() => log.Read(Hub, "0", 4, 10));
        Assert.Equal((4, 6), (gap.FirstMissing, gap.LastMissing));
        Assert.Contains("events 4..6 are neither in the capture archive nor in the live log", gap.Message, StringComparison.Ordinal);

        // An archive that lost its oldest file: reading from the start names 0..3.
        Directory.Delete(archive.Root, recursive: true);
        var fresh = new CaptureArchive(archive.Root);
        log.Archive = fresh;
        gap = Assert.Throws<ArchiveGapException>(() => log.Read(Hub, "0", 0, 10));
        Assert.Equal((0, 6), (gap.FirstMissing, gap.LastMissing));
    }

    [Fact]
    public void A_committed_capture_file_in_azures_layout_and_schema_reads_back()
    {
        var root = Path.Combine(Azurite.RepositoryRoot(), "tests", "LocalHost.Tests", "Archive", "capture-sample");
        if (Environment.GetEnvironmentVariable("UPDATE_CAPTURE_SAMPLE") == "1")
        {
            WriteSample(root);
        }

        var file = Assert.Single(Directory.GetFiles(root, "*.avro", SearchOption.AllDirectories));
        Assert.Matches(@"evhns-sales-sample/sales-orders/0/2026/11/26/14/05/00\.avro$", Path.GetRelativePath(root, file).Replace('\\', '/'));

        var events = CaptureFile.Read(file);

        Assert.Equal([0L, 1L, 2L], events.Select(e => e.SequenceNumber));
        Assert.Equal(["0", "312", "624"], events.Select(e => e.Offset));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 14, 5, 1, TimeSpan.Zero), events[0].EnqueuedTimeUtc);
        Assert.All(events, e => Assert.Equal("sales.order-placed.v1", JsonNode.Parse(e.Body!)!["type"]!.GetValue<string>()));
        Assert.Equal(["O-S1", "O-S2", "O-S3"], events.Select(e => e.SystemProperties["x-opt-partition-key"]));
        Assert.Equal(["sample-1", "sample-2", "sample-3"], events.Select(e => e.Properties["cloudEvents:id"]));
    }

    // The committed sample: written once with UPDATE_CAPTURE_SAMPLE=1 through Apache.Avro's generic writer with Azure's
    // capture schema, the system properties Azure writes (x-opt-*), and Azure's EnqueuedTimeUtc text format.
    private static void WriteSample(string root)
    {
        var events = Enumerable.Range(1, 3).Select(i =>
        {
            var body = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = $"sample-{i}",
                ["source"] = "/store/sales",
                ["type"] = "sales.order-placed.v1",
                ["subject"] = $"O-S{i}",
                ["time"] = "2026-11-26T14:05:00Z",
                ["datacontenttype"] = "application/json",
                ["data"] = new JsonObject { ["orderId"] = $"O-S{i}", ["customerId"] = "C-S", ["total"] = 10 * i, ["currency"] = "EUR" },
            }.ToJsonString());
            var enqueued = new DateTimeOffset(2026, 11, 26, 14, 5, i, TimeSpan.Zero);
            return new CapturedEvent(
                i - 1,
                ((i - 1) * 312).ToString(System.Globalization.CultureInfo.InvariantCulture),
                enqueued,
                new Dictionary<string, object?>
                {
                    ["x-opt-sequence-number"] = (long)(i - 1),
                    ["x-opt-offset"] = ((i - 1) * 312).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["x-opt-enqueued-time"] = enqueued.ToUnixTimeMilliseconds(),
                    ["x-opt-partition-key"] = $"O-S{i}",
                },
                new Dictionary<string, object?> { ["cloudEvents:id"] = $"sample-{i}", ["cloudEvents:type"] = "sales.order-placed.v1" },
                body);
        }).ToList();
        var path = Path.Combine(root, "evhns-sales-sample", "sales-orders", "0", "2026", "11", "26", "14", "05", "00.avro");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        CaptureFile.Write(file, events);
    }

    private EventStreamLog NewLog(out CaptureArchive archive)
    {
        archive = new CaptureArchive(Path.Combine(_dir, "capture"));
        return new EventStreamLog([(Hub, 1)]) { Archive = archive };
    }

    private static List<StoredEvent> Append(EventStreamLog log, int count, int first = 0) =>
        Enumerable.Range(first, count)
            .Select(i => log.Append(Hub, new EventToAppend(
                Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"),
                $"O-{i}",
                new Dictionary<string, object> { ["cloudEvents:id"] = $"id-{i}" },
                $"id-{i}",
                "application/cloudevents+json; charset=utf-8")))
            .ToList();
}
