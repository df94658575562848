namespace Store.LocalHost.Tests.EventLog;

public sealed class EventStreamLogTests
{
    private static EventToAppend Event(string body, string? key) => new(Encoding.UTF8.GetBytes(body), key);

    [Fact]
    public void Hubs_ComeFromTheCatalog_WithTheirPartitionCounts()
    {
        var log = new EventStreamLog(EventCatalog.Current);

        foreach (var (_, stream) in EventCatalog.Current.Streams)
        {
            Assert.True(log.HasHub(stream.Hub));
            Assert.Equal(stream.Partitions, log.PartitionCount(stream.Hub));
        }
    }

    [Fact]
    public void PartitionFor_IsAStableHash_SameKeySamePartitionAcrossRuns()
    {
        // Fixed expectations: FNV-1a of the UTF-8 key, modulo the partition count; must never change between versions or runs.
        Assert.Equal(PartitionOf("O-0001", 4), EventStreamLog.PartitionFor("O-0001", 4));
        Assert.Equal(EventStreamLog.PartitionFor("order-42", 4), EventStreamLog.PartitionFor("order-42", 4));
        Assert.Equal(0, EventStreamLog.PartitionFor("a", 4));
        Assert.Equal(1, EventStreamLog.PartitionFor("", 4));
        Assert.Equal(2, EventStreamLog.PartitionFor("O-0001", 4));

        var spread = Enumerable.Range(0, 400).Select(i => EventStreamLog.PartitionFor($"O-{i}", 4)).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, spread.Count);
        Assert.All(spread.Values, count => Assert.InRange(count, 50, 150));
    }

    [Fact]
    public void Append_SameKey_KeepsOrderWithConsecutiveSequenceNumbersAndGrowingOffsets()
    {
        var log = new EventStreamLog([("h", 4)]);

        var stored = Enumerable.Range(0, 10).Select(i => log.Append("h", Event($"e{i}", "order-7"))).ToList();

        Assert.Single(stored.Select(s => s.PartitionId).Distinct());
        var partition = stored[0].PartitionId;
        Assert.Equal(EventStreamLog.PartitionFor("order-7", 4).ToString(System.Globalization.CultureInfo.InvariantCulture), partition);
        var read = log.Read("h", partition, 0, 100);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"e{i}"), read.Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), read.Select(r => r.SequenceNumber));
        Assert.True(read.Zip(read.Skip(1)).All(p => p.Second.Offset > p.First.Offset));
        Assert.All(read, r => Assert.Equal("order-7", r.PartitionKey));
    }

    [Fact]
    public void Append_WithoutKey_RoundRobinsOverPartitions()
    {
        var log = new EventStreamLog([("h", 4)]);

        var partitions = Enumerable.Range(0, 8).Select(i => log.Append("h", Event($"e{i}", null)).PartitionId).ToList();

        Assert.Equal(["0", "1", "2", "3", "0", "1", "2", "3"], partitions);
    }

    [Fact]
    public void Read_RespectsTheStartAndTheMaximum()
    {
        var log = new EventStreamLog([("h", 1)]);
        log.Append("h", Enumerable.Range(0, 7).Select(i => Event($"e{i}", "k")));

        Assert.Equal([2L, 3L, 4L], log.Read("h", "0", 2, 3).Select(e => e.SequenceNumber));
        Assert.Empty(log.Read("h", "0", 7, 3));
        Assert.Equal(7, log.EndOf("h", "0"));
    }

    [Fact]
    public void ConsumerGroups_CheckpointIndependently()
    {
        var log = new EventStreamLog([("h", 2)]);
        log.Append("h", Enumerable.Range(0, 6).Select(i => Event($"e{i}", null)));

        log.SetCheckpoint("h", "inventory", "0", 3);
        log.SetCheckpoint("h", "payments", "0", 1);

        Assert.Equal(3, log.Checkpoint("h", "inventory", "0"));
        Assert.Equal(1, log.Checkpoint("h", "payments", "0"));
        Assert.Null(log.Checkpoint("h", "inventory", "1"));
        Assert.Null(log.Checkpoint("h", "loyalty", "0"));
    }

    [Fact]
    public void ALateConsumerGroup_ReplaysEveryEventFromTheStart()
    {
        var log = new EventStreamLog([("h", 2)]);
        log.Append("h", Enumerable.Range(0, 50).Select(i => Event($"e{i}", $"k{i % 5}")));
        log.SetCheckpoint("h", "early", "0", log.EndOf("h", "0"));
        log.SetCheckpoint("h", "early", "1", log.EndOf("h", "1"));

        var replayed = log.PartitionIds("h").SelectMany(p => log.Read("h", p, log.Checkpoint("h", "late", p) ?? 0, int.MaxValue)).ToList();

        Assert.Equal(50, replayed.Count);
        Assert.Equal(log.ReadAll("h").Select(e => (e.PartitionId, e.SequenceNumber)), replayed.Select(e => (e.PartitionId, e.SequenceNumber)));
    }

    [Fact]
    public async Task WaitForEvent_CompletesOnAnAppendToItsPartitionOnly()
    {
        var log = new EventStreamLog([("h", 2), ("other", 1)]);
        var first = log.Append("h", Event("x", "k")).PartitionId;
        var second = first == "0" ? "1" : "0";
        Assert.True(log.WaitForEventAsync("h", first, 0, CancellationToken.None).IsCompleted);
        var waiting = log.WaitForEventAsync("h", second, 0, CancellationToken.None);
        var next = log.WaitForEventAsync("h", first, 1, CancellationToken.None);

        log.Append("other", Event("y", null));
        Assert.False(waiting.IsCompleted);
        Assert.False(next.IsCompleted);

        log.Append("h", Event("z", "k"));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public void UnknownHub_IsAClearError()
    {
        var log = new EventStreamLog([("h", 1)]);

        var ex = Assert.Throws<KeyNotFoundException>(() => log.Append("nope", Event("x", null)));

        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    private static int PartitionOf(string key, int partitions)
    {
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619;
        }

        return (int)(hash % (uint)partitions);
    }
}
