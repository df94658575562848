using Azure.Storage.Blobs;
using Moq;
using Store.LocalHost.Rebuild;

namespace Store.LocalHost.Tests.Rebuild;

/// <summary>
/// <c>rebuild &lt;Context&gt; --azure</c> against a real Azurite (blob and table): a replay's capture archive uploaded in
/// Azure's layout (<c>archive-&lt;domain&gt;/&lt;namespace&gt;/&lt;hub&gt;/&lt;partition&gt;/Y/M/D/h/m/s.avro</c>), stale rows and
/// checkpoints in place; only the live hub's partition metadata (the Event Hubs SDK boundary) is mocked. The dry run
/// lists what it would delete and read and changes nothing; a gap between archive and live hub stops it before anything is
/// deleted; the run writes each checkpoint at the event before the switchover, and the trigger continuing live from
/// those checkpoints ends with the original run's state, having re-published only ids the archive already holds.
/// </summary>
public sealed class AzureRebuildTests : IDisposable
{
    private const string Context = "Loyalty";
    private readonly string _dir = Directory.CreateTempSubdirectory("azure-rebuild-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Rebuild_against_azure_storage_refuses_gaps_writes_checkpoints_at_the_switchover_and_continues_live_to_the_original_state()
    {
        var catalog = EventCatalog.Current;
        var input = Path.Combine(_dir, "input.jsonl");
        FaultInjectionTests.GenerateInput(input, seed: 42);
        var original = Path.Combine(_dir, "original");
        var replay = await CliRunner.RunAsync("replay", "--input", input, "--out", original, "--retain", "3");
        Assert.True(replay.Exit == 0, replay.Error);
        var expected = FaultInjectionTests.LoadState(original).Where(e => e.Key.StartsWith(Context + "/", StringComparison.Ordinal)).ToDictionary();
        Assert.NotEmpty(expected);
        var archive = new CaptureArchive(Path.Combine(original, "capture"));

        await using var azurite = await FreshAzurite.StartAsync(CancellationToken.None);
        var namespaces = catalog.Domains.ToDictionary(d => d.Name, d => $"evhns-{d.Name}-test.servicebus.windows.net", StringComparer.Ordinal);
        var blobs = new BlobServiceClient(azurite.ConnectionString);
        await UploadInAzuresLayoutAsync(archive, blobs);

        // Stale state to wipe (and another context's table to leave alone), a stale checkpoint to reset.
        var ownTable = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(original, "state", Context), "*.jsonl").Order(StringComparer.Ordinal).First());
        var tables = new TableServiceClient(azurite.ConnectionString);
        await tables.GetTableClient(ownTable).CreateIfNotExistsAsync();
        await tables.GetTableClient(ownTable).AddEntityAsync(new TableEntity("stale", "row"));
        await tables.GetTableClient("trackingother").CreateIfNotExistsAsync();
        await tables.GetTableClient("trackingother").AddEntityAsync(new TableEntity("other", "row"));
        var checkpoints = blobs.GetBlobContainerClient(AzureRebuild.CheckpointContainer);
        await checkpoints.CreateIfNotExistsAsync();
        var staleCheckpoint = AzureRebuild.CheckpointBlob(namespaces["sales"], "sales-orders", "loyalty", "2");
        await checkpoints.GetBlobClient(staleCheckpoint).UploadAsync(BinaryData.Empty, new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = new Dictionary<string, string> { ["sequencenumber"] = "999", ["offset"] = "99999" } });

        // The live hubs: partition 0 expired entirely, 1 keeps its last 3 events, 2 keeps all of them, 3 its last one.
        var consumed = catalog.HubsConsumedBy(Context);
        long SwitchoverOf(string hub, string partition)
        {
            var count = archive.ReadPartition(hub, partition).Count;
            return partition switch { "0" => count, "1" => Math.Max(0, count - 3), "2" => 0, _ => Math.Max(0, count - 1) };
        }

        var live = LiveHubs(archive, SwitchoverOf, gapAt: null);
        var options = new AzureRebuildOptions(Context, new StorageAddress(azurite.ConnectionString), new StorageAddress(azurite.ConnectionString), new StorageAddress(azurite.ConnectionString), namespaces, DryRun: true);

        // Dry run: lists, changes nothing.
        var dry = await RunAsync(options, live.Object, new EventStreamLog(catalog));
        Assert.True(dry.Exit == 0, dry.Error);
        Assert.Contains($"would delete every row of its tables in {tables.Uri}: {ownTable} (1 rows)", dry.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("trackingother", dry.Out, StringComparison.Ordinal);
        Assert.Contains($"would reset the checkpoints of sales-orders/loyalty, fulfillment-shipments/loyalty in {checkpoints.Uri}: {staleCheckpoint} (sequencenumber 999)", dry.Out, StringComparison.Ordinal);
        var count1 = archive.ReadPartition("sales-orders", "1").Count;
        Assert.Matches(
            $@"would read sales-orders/1 from archive-sales: sequence 0\.\.{count1 - 1} in \d+ blob\(s\), evhns-sales-test/sales-orders/1/\d{{4}}/\d\d/\d\d/\d\d/\d\d/\d\d\.avro \.\. .*; deliver 0\.\.{count1 - 4}, the live hub holds {count1 - 3}\.\.{count1 - 1}: switch over at {count1 - 3}",
            dry.Out);
        Assert.Contains("would read sales-orders/2 from archive-sales", dry.Out, StringComparison.Ordinal);
        Assert.Matches(@"the live hub holds 0\.\.\d+: switch over at 0", dry.Out);
        await AssertUntouchedAsync(tables, ownTable, checkpoints, staleCheckpoint);

        // A deployment with another partition count (eventHubPartitions = 8): the runner takes the live hubs' count.
        var eight = await RunAsync(options, LiveHubs(archive, SwitchoverOf, gapAt: null, partitions: 8).Object, new EventStreamLog(catalog));
        Assert.True(eight.Exit == 0, eight.Error);
        Assert.Contains("would read sales-orders/7 from archive-sales: nothing archived; deliver nothing, the live hub holds empty: switch over at 0", eight.Out, StringComparison.Ordinal);

        // Archive and live hub do not overlap on sales-orders/1: refused with the missing range, nothing deleted.
        var gapLive = LiveHubs(archive, SwitchoverOf, gapAt: ("sales-orders", "1"));
        var gap = await RunAsync(options with { DryRun = false }, gapLive.Object, new EventStreamLog(catalog));
        Assert.Equal(4, gap.Exit);
        Assert.Contains($"Hub 'sales-orders' partition 1: events {count1}..{count1 + 2} are neither in the capture archive nor in the live log", gap.Error, StringComparison.Ordinal);
        await AssertUntouchedAsync(tables, ownTable, checkpoints, staleCheckpoint);

        // The rebuild.
        var outputs = new EventStreamLog(catalog);
        var run = await RunAsync(options with { DryRun = false }, live.Object, outputs);
        Assert.True(run.Exit == 0, run.Out + run.Error);
        Assert.Contains("deleted 1 rows and 1 checkpoints", run.Out, StringComparison.Ordinal);
        Assert.False((await tables.GetTableClient(ownTable).GetEntityIfExistsAsync<TableEntity>("stale", "row")).HasValue, "the stale row must be wiped");
        Assert.True((await tables.GetTableClient("trackingother").GetEntityIfExistsAsync<TableEntity>("other", "row")).HasValue, "another context's table must stay");

        // Checkpoints name the event before the switchover (the trigger resumes after it); none where it is 0.
        foreach (var (hub, group) in consumed)
        {
            var fqdn = namespaces[catalog.Stream(hub).Domain.Name];
            foreach (var partition in Enumerable.Range(0, catalog.Stream(hub).Stream.Partitions).Select(i => i.ToString(CultureInfo.InvariantCulture)))
            {
                var blob = checkpoints.GetBlobClient(AzureRebuild.CheckpointBlob(fqdn, hub, group, partition));
                var switchover = SwitchoverOf(hub, partition);
                if (switchover == 0)
                {
                    Assert.False(await blob.ExistsAsync(), $"{hub}/{partition}: no checkpoint at switchover 0 (the trigger starts from the beginning)");
                    continue;
                }

                var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
                var last = archive.ReadPartition(hub, partition)[(int)switchover - 1];
                Assert.Equal(last.SequenceNumber.ToString(CultureInfo.InvariantCulture), metadata["sequencenumber"]);
                Assert.Equal(last.OffsetString, metadata["offset"]);
            }
        }

        // Re-published outputs carry ids the archive already holds.
        var archivedIds = catalog.Streams.Select(s => s.Stream.Hub)
            .SelectMany(h => Enumerable.Range(0, catalog.Stream(h).Stream.Partitions).SelectMany(p => archive.ReadPartition(h, p.ToString(CultureInfo.InvariantCulture))))
            .Select(e => e.MessageId).ToHashSet(StringComparer.Ordinal);
        var republished = outputs.Hubs.SelectMany(outputs.ReadAll).ToList();
        Assert.NotEmpty(republished);
        Assert.All(republished, e => Assert.Contains(e.MessageId, archivedIds));

        // The re-enabled trigger: from each checkpoint (none: from the start) over the live hub, to the original state.
        await ContinueLiveAsync(azurite.ConnectionString, archive, checkpoints, namespaces);
        var continued = Path.Combine(_dir, "continued");
        await ReplayExport.WriteStateAsync(azurite.ConnectionString, [Context], continued, CancellationToken.None);
        var actual = FaultInjectionTests.LoadState(continued).Where(e => e.Key.StartsWith(Context + "/", StringComparison.Ordinal)).ToDictionary();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, entity) in expected)
        {
            Assert.True(JsonNode.DeepEquals(entity, actual[key]), $"{key} differs:\n expected {entity.ToJsonString()}\n actual   {actual[key].ToJsonString()}");
        }
    }

    [Fact]
    public async Task Azure_rebuild_arguments_are_checked()
    {
        var missing = await CliRunner.RunAsync("rebuild", "Loyalty", "--azure", "--archive", "https://a.blob.core.windows.net");
        Assert.Equal(2, missing.Exit);
        Assert.Contains("rebuild --azure needs --state", missing.Error, StringComparison.Ordinal);

        var badNamespace = await CliRunner.RunAsync("rebuild", "Loyalty", "--azure", "--archive", "x", "--state", "x", "--host-storage", "x", "--namespaces", "nosuchdomain=a.b");
        Assert.Equal(2, badNamespace.Exit);
        Assert.Contains("'nosuchdomain=a.b' is not <domain>=<namespace FQDN>", badNamespace.Error, StringComparison.Ordinal);

        Assert.Equal("evhns-sales-x.servicebus.windows.net", Cli.ParseNamespaces("""{"sales":"evhns-sales-x.servicebus.windows.net"}""")["sales"]);
        Assert.Equal("b.c", Cli.ParseNamespaces("sales=a.b,payments=b.c")["payments"]);
    }

    private static async Task<(int Exit, string Out, string Error)> RunAsync(AzureRebuildOptions options, ILiveHubs live, EventStreamLog outputs)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await new AzureRebuild(options, live, credential: null, _ => new LogPublisher(outputs, Context)).RunAsync(output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private static Mock<ILiveHubs> LiveHubs(CaptureArchive archive, Func<string, string, long> switchoverOf, (string Hub, string Partition)? gapAt, int? partitions = null)
    {
        var live = new Mock<ILiveHubs>(MockBehavior.Strict);
        live.Setup(l => l.GetPartitionIdsAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, string hub, CancellationToken _) =>
                Enumerable.Range(0, partitions ?? EventCatalog.Current.Stream(hub).Stream.Partitions).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        live.Setup(l => l.GetPartitionPropertiesAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, string hub, string partition, CancellationToken _) =>
            {
                var count = archive.ReadPartition(hub, partition).Count;
                if (gapAt == (hub, partition))
                {
                    // Retention expired events the archive does not hold: the live hub starts 3 events after the archive ends.
                    return EventHubsModelFactory.PartitionProperties(hub, partition, false, count + 3, count + 5, "0", DateTimeOffset.UtcNow);
                }

                var first = switchoverOf(hub, partition);
                return first == count
                    ? EventHubsModelFactory.PartitionProperties(hub, partition, true, count, count - 1, "0", DateTimeOffset.UtcNow)
                    : EventHubsModelFactory.PartitionProperties(hub, partition, false, first, count - 1, "0", DateTimeOffset.UtcNow);
            });
        return live;
    }

    private static async Task UploadInAzuresLayoutAsync(CaptureArchive archive, BlobServiceClient blobs)
    {
        foreach (var file in Directory.EnumerateFiles(archive.Root, "*.avro", SearchOption.AllDirectories))
        {
            // Local layout evhns-<domain>-local/<hub>/<partition>/Y/M/D/h/m/s.avro -> container archive-<domain>, namespace evhns-<domain>-test.
            var parts = Path.GetRelativePath(archive.Root, file).Replace('\\', '/').Split('/');
            var domain = EventCatalog.Current.Stream(parts[1]).Domain.Name;
            var container = blobs.GetBlobContainerClient(AzureRebuild.ArchiveContainer(domain));
            await container.CreateIfNotExistsAsync();
            await container.GetBlobClient(string.Join('/', [$"evhns-{domain}-test", .. parts[1..]])).UploadAsync(file);
        }
    }

    private static async Task AssertUntouchedAsync(TableServiceClient tables, string ownTable, Azure.Storage.Blobs.BlobContainerClient checkpoints, string staleCheckpoint)
    {
        Assert.True((await tables.GetTableClient(ownTable).GetEntityIfExistsAsync<TableEntity>("stale", "row")).HasValue, "nothing may be deleted yet");
        Assert.Equal("999", (await checkpoints.GetBlobClient(staleCheckpoint).GetPropertiesAsync()).Value.Metadata["sequencenumber"]);
    }

    /// <summary>The local host as the Functions host after the triggers are re-enabled: the whole live history, each group from its checkpoint blob.</summary>
    private static async Task ContinueLiveAsync(string connectionString, CaptureArchive archive, Azure.Storage.Blobs.BlobContainerClient checkpoints, Dictionary<string, string> namespaces)
    {
        var catalog = EventCatalog.Current;
        var options = new LocalHostOptions(connectionString)
        {
            Contexts = [ContextRegistration.All.Single(r => r.Name == Context)],
            RetryDelayScale = 0.001,
            TimerTimeScale = 0.001,
            ContextLogLevel = Microsoft.Extensions.Logging.LogLevel.Critical,
        };
        await using var host = await LocalFunctionsHost.StartAsync(options, CancellationToken.None);
        foreach (var (hub, group) in catalog.HubsConsumedBy(Context))
        {
            foreach (var partition in host.Log.PartitionIds(hub))
            {
                host.Log.Restore(hub, partition, archive.ReadPartition(hub, partition));
                var blob = checkpoints.GetBlobClient(AzureRebuild.CheckpointBlob(namespaces[catalog.Stream(hub).Domain.Name], hub, group, partition));
                if (await blob.ExistsAsync())
                {
                    host.Log.SetCheckpoint(hub, group, partition, long.Parse((await blob.GetPropertiesAsync()).Value.Metadata["sequencenumber"], CultureInfo.InvariantCulture) + 1);
                }
            }
        }

        await host.DrainAsync(CancellationToken.None);
        await OutboxSettling.SettleAsync(host, host.DrainAsync, untilIndexEmpty: true, TimeSpan.FromMinutes(5), CancellationToken.None);
    }
}
