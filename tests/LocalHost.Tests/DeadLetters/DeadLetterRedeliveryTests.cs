using Store.LocalHost.Tests.Hosting;

namespace Store.LocalHost.Tests.DeadLetters;

/// <summary>
/// A consumer with a bug dead-letters an event; after the fix the dead letter is redelivered to that consumer only, is
/// applied once, and a second redelivery changes nothing. An event that still fails is dead-lettered again under the same id.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeadLetterRedeliveryTests(AzuriteFixture azurite)
{
    private static readonly string DeadLetterHub = EventCatalog.Current.DeadLetterStream.Hub;

    private async Task<(LocalFunctionsHost Host, ProbeBug Bug, ProbeRecorder Other)> StartAsync()
    {
        var bug = new ProbeBug();
        var other = new ProbeRecorder();
        var table = azurite.NewTable("probe").Name;
        var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(azurite.ConnectionString)
        {
            HostSettings = new HostSettings(10, 1, FromStart: true),
            Contexts = [BuggyProbe.Registration(bug, table), ProbeApps.Probe(other)],
            RetryDelayScale = 0.001,
            Error = TextWriter.Null,
        }, CancellationToken.None);
        var store = (TableStateStore<ProbeState>)host.App("BuggyProbe").Services.GetService(typeof(TableStateStore<ProbeState>))!;
        await store.EnsureCreatedAsync(CancellationToken.None);
        return (host, bug, other);
    }

    private static List<DeadLetter> DeadLettersOf(LocalFunctionsHost host, string consumer) =>
        host.Log.ReadAll(DeadLetterHub).Select(e => DeadLetter.Parse(e.Body)!).Where(d => d.Data.Consumer == consumer).ToList();

    // A set: the kit republishes an entity's unconfirmed outbox entries with a later batch (at-least-once, same ids).
    private static SortedSet<string> OutputIds(LocalFunctionsHost host) =>
        new(host.Log.ReadAll(ProbeDecider.OutputHub).Select(e => e.MessageId!), StringComparer.Ordinal);

    private static async Task<string> StateAsync(LocalFunctionsHost host)
    {
        var store = (TableStateStore<ProbeState>)host.App("BuggyProbe").Services.GetService(typeof(TableStateStore<ProbeState>))!;
        var entity = await store.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>("probe", "orders");
        return string.Join("|", entity.Value.Where(p => p.Key is not ("Timestamp" or "odata.etag") && !p.Key.StartsWith("Outbox", StringComparison.Ordinal))
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
    }

    [Fact]
    public async Task DeadLetterOfABug_RedeliveredAfterTheFix_IsAppliedOnce_ToItsConsumerOnly_AndASecondRedeliveryChangesNothing()
    {
        var (host, bug, other) = await StartAsync();
        await using var _ = host;

        // One partition key: all four events share a source partition, and the entity's position there ends past the failed one.
        host.Log.Append("sales-orders", new[]
        {
            new EventToAppend(Encoding.UTF8.GetBytes(BuggyProbe.OrderPlaced("O-1", "C-1")), "K"),
            new EventToAppend(Encoding.UTF8.GetBytes(BuggyProbe.OrderPlaced("O-2", ProbeBug.Customer)), "K"),
            new EventToAppend("this is not JSON"u8.ToArray(), "K"),
            new EventToAppend(Encoding.UTF8.GetBytes(BuggyProbe.OrderPlaced("O-3", "C-3")), "K"),
        });
        await host.DrainAsync(CancellationToken.None);

        var letters = DeadLettersOf(host, "BuggyProbe");
        Assert.Equal(["malformed-json", "unexpected"], letters.Select(l => l.Data.Error.Kind).Order());
        var buggy = letters.Single(l => l.Data.Error.Kind == "unexpected");
        var malformed = letters.Single(l => l.Data.Error.Kind == "malformed-json");
        Assert.Contains("probe bug", buggy.Data.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, OutputIds(host).Count);
        Assert.DoesNotContain("O-2", await StateAsync(host), StringComparison.Ordinal);
        var otherBatches = other.Batches.Count;

        // The fix; then the dead letters go back to the probe's trigger, and only there.
        bug.Enabled = false;
        var first = await DeadLetterRedelivery.RedeliverAsync(host, DeadLetterRedelivery.InLog(host.Log).Where(DeadLetterSelection.Parse("BuggyProbe").Matches), CancellationToken.None);
        await host.DrainAsync(CancellationToken.None);

        Assert.Equal("processed", first.Single(r => r.Letter.Id == buggy.Id).Outcome);
        Assert.Equal("dead-lettered again", first.Single(r => r.Letter.Id == malformed.Id).Outcome);
        Assert.All(first, r => Assert.Equal("BuggyProbe_OnSalesOrders", r.Function));
        Assert.Equal(otherBatches, other.Batches.Count);
        Assert.DoesNotContain(other.Batches, b => b.PartitionId.StartsWith("dlq-", StringComparison.Ordinal));
        var outputs = OutputIds(host);
        Assert.Equal(3, outputs.Count);
        Assert.Single(host.Log.ReadAll(ProbeDecider.OutputHub).Where(e => Encoding.UTF8.GetString(e.Body).Contains("\"O-2\"", StringComparison.Ordinal)).Select(e => e.MessageId).Distinct());
        var state = await StateAsync(host);
        Assert.Contains("O-2", state, StringComparison.Ordinal);
        Assert.Contains($"sales-orders/dlq-{buggy.Data.PartitionId}-{buggy.Data.SequenceNumber}", state, StringComparison.Ordinal);

        // Failing again: the same dead-letter id, at the original position, with the redelivery marked in its properties.
        var again = DeadLettersOf(host, "BuggyProbe").Where(l => l.Id == malformed.Id).ToList();
        Assert.Equal(2, again.Count);
        Assert.Equal(malformed.Data.PartitionId, again[1].Data.PartitionId);
        Assert.Equal(malformed.Data.SequenceNumber, again[1].Data.SequenceNumber);
        Assert.Equal(malformed.Id, again[1].Data.Properties[DeadLetterRedelivery.RedeliveredProperty]);
        Assert.Equal(2, DeadLettersOf(host, "BuggyProbe").Select(l => l.Id).Distinct().Count());

        // Redelivering everything again changes nothing: same state, same outputs, same dead-letter ids.
        var second = await DeadLetterRedelivery.RedeliverAsync(host, DeadLetterRedelivery.InLog(host.Log).Where(DeadLetterSelection.All.Matches), CancellationToken.None);
        await host.DrainAsync(CancellationToken.None);

        Assert.Equal("duplicate (already applied)", second.Single(r => r.Letter.Id == buggy.Id).Outcome);
        Assert.Equal("dead-lettered again", second.Single(r => r.Letter.Id == malformed.Id).Outcome);
        Assert.Equal(state, await StateAsync(host));
        Assert.Equal(outputs, OutputIds(host));
        Assert.Equal(new[] { buggy.Id, malformed.Id }.Order(StringComparer.Ordinal), DeadLettersOf(host, "BuggyProbe").Select(l => l.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(otherBatches, other.Batches.Count);
    }

    [Fact]
    public async Task RedeliveredEvent_IsTheOriginalEventData_OnItsOwnRedeliveryPartition()
    {
        var (host, _, _) = await StartAsync();
        await using var __ = host;
        var original = host.Log.Append("sales-orders", new EventToAppend([0xff, 0xfe, 0x00], "K", new Dictionary<string, object> { ["custom"] = "x" }));
        await host.DrainAsync(CancellationToken.None);
        var letter = DeadLettersOf(host, "BuggyProbe").Single();
        Assert.Equal("base64", letter.Data.BodyEncoding);

        var stored = DeadLetterRedelivery.ToStoredEvent(letter, DeadLetterRedelivery.PartitionFor(letter));
        var data = LocalFunctionsHost.ToEventData(stored);

        Assert.Equal(original.Body, data.EventBody.ToArray());
        Assert.Equal(original.SequenceNumber, data.SequenceNumber);
        Assert.Equal(original.OffsetString, data.OffsetString);
        Assert.Equal(original.EnqueuedTime, data.EnqueuedTime);
        Assert.Equal("x", data.Properties["custom"]);
        Assert.Equal(letter.Id, data.Properties[DeadLetterRedelivery.RedeliveredProperty]);
        Assert.Equal($"dlq-{original.PartitionId}-{original.SequenceNumber}", stored.PartitionId);
    }

    [Theory]
    [InlineData("all", null, null)]
    [InlineData("Inventory", "Inventory", null)]
    [InlineData("payments:a,b", "payments", "a,b")]
    public void Selection_ParsesContextAndIds(string text, string? context, string? ids)
    {
        var selection = DeadLetterSelection.Parse(text);

        Assert.Equal(context, selection.Context);
        Assert.Equal(ids, selection.Ids is null ? null : string.Join(',', selection.Ids.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(":a")]
    [InlineData("Payments:")]
    public void Selection_RejectsEmptyParts(string text) => Assert.Throws<FormatException>(() => DeadLetterSelection.Parse(text));

    [Fact]
    public void Selection_MatchesConsumerCaseInsensitively_AndIdsExactly()
    {
        var letter = new DeadLetter("id-1", DateTimeOffset.UnixEpoch, null, new EventDeadLettered(
            "Payments", "payments", "sales-orders", "0", "0", 0, DateTimeOffset.UnixEpoch, "x", "utf8", new Dictionary<string, string>(), new DeadLetterError("malformed-json", "m")));

        Assert.True(DeadLetterSelection.Parse("payments").Matches(letter));
        Assert.True(DeadLetterSelection.Parse("Payments:id-1,id-2").Matches(letter));
        Assert.False(DeadLetterSelection.Parse("Payments:ID-1").Matches(letter));
        Assert.False(DeadLetterSelection.Parse("Inventory").Matches(letter));
    }
}
