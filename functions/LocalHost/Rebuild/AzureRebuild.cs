using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Store.LocalHost.Rebuild;

/// <summary>
/// A storage account as given on the command line: an endpoint (<c>https://&lt;account&gt;.blob.core.windows.net</c> or
/// <c>.table.</c>, used with an Entra ID credential, no keys) or a connection string (Azurite).
/// </summary>
public sealed record StorageAddress(string Value)
{
    /// <summary>True for an endpoint URL, false for a connection string.</summary>
    public bool IsEndpoint => Uri.TryCreate(Value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>The Blob service of this account.</summary>
    public BlobServiceClient Blobs(TokenCredential? credential) => IsEndpoint ? new(new Uri(Value), Need(credential)) : new(Value);

    /// <summary>The Table service of this account.</summary>
    public TableServiceClient Tables(TokenCredential? credential) => IsEndpoint ? new(new Uri(Value), Need(credential)) : new(Value);

    /// <summary>Where it points, without secrets.</summary>
    public string Display(Uri serviceUri) => IsEndpoint ? Value : serviceUri.ToString();

    private TokenCredential Need(TokenCredential? credential) =>
        credential ?? throw new InvalidOperationException($"Endpoint {Value} needs a credential.");
}

/// <summary>The arguments of <c>rebuild &lt;Context&gt; --azure</c>.</summary>
/// <param name="Context">The context to rebuild.</param>
/// <param name="Archive">The stream archive account (Blob; containers <c>archive-&lt;domain&gt;</c>).</param>
/// <param name="State">The context's state account (Table).</param>
/// <param name="HostStorage">The context app's host storage (Blob; checkpoints in <c>azure-webjobs-eventhub</c>).</param>
/// <param name="Namespaces">Fully qualified Event Hubs namespace per domain (azd output <c>EVENTHUB_NAMESPACES</c>).</param>
/// <param name="DryRun">Only say what would be deleted, read and written.</param>
public sealed record AzureRebuildOptions(
    string Context, StorageAddress Archive, StorageAddress State, StorageAddress HostStorage, IReadOnlyDictionary<string, string> Namespaces, bool DryRun)
{
    /// <summary>How long the bootstrap may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(60);
}

/// <summary>
/// <c>rebuild &lt;Context&gt; --azure</c>: the README's rebuild procedure (steps 2-4) against Azure, with the same machinery
/// as the local <c>rebuild</c>. Plans first and refuses on a gap before touching anything: per consumed hub and partition,
/// the capture blobs (<c>archive-&lt;domain&gt;/&lt;namespace&gt;/&lt;hub&gt;/&lt;partition&gt;/...</c>, Azure's layout, read
/// by <see cref="CaptureFile"/>) must hold every event from 0 up to the live hub's first sequence number (the switchover,
/// from <see cref="ILiveHubs"/>). Then: (2) deletes every row of the context's tables (rows, not tables: Azure refuses to
/// recreate a deleted table name for a while), (3) deletes its consumer groups' checkpoint blobs, (4) delivers the
/// archived events below the switchover through the context's functions (the local host's engine, state in the real
/// account, outputs through <see cref="LocalHostOptions.Publisher"/>: the kit's Event Hubs publisher unless given; the
/// outputs keep their original ids) and writes each partition's checkpoint at the event before the switchover, so the
/// re-enabled trigger continues live exactly there. The app's Event Hubs triggers must be disabled meanwhile.
/// </summary>
public sealed class AzureRebuild(AzureRebuildOptions options, ILiveHubs live, TokenCredential? credential, Func<IServiceProvider, IEventPublisher>? publisher = null)
{
    /// <summary>The container the Functions Event Hubs extension keeps checkpoints in (in the app's host storage).</summary>
    public const string CheckpointContainer = "azure-webjobs-eventhub";

    /// <summary>
    /// The checkpoint blob of a partition as the extension's BlobCheckpointStore names it (lowercase):
    /// <c>&lt;namespace FQDN&gt;/&lt;hub&gt;/&lt;consumer group&gt;/checkpoint/&lt;partition&gt;</c>.
    /// </summary>
    public static string CheckpointBlob(string fullyQualifiedNamespace, string hub, string consumerGroup, string partitionId) =>
        $"{CheckpointPrefix(fullyQualifiedNamespace, hub, consumerGroup)}{partitionId}";

    /// <summary>The archive container of a domain (infra/main.bicep).</summary>
    public static string ArchiveContainer(string domain) => $"archive-{domain}";

    /// <summary>One partition of a consumed hub: its archive and where its live log begins.</summary>
    public sealed record PartitionPlan(string Hub, string PartitionId, IReadOnlyList<string> Blobs, IReadOnlyList<StoredEvent> Archived, long Switchover, long LastLive)
    {
        /// <summary>The archived events the bootstrap delivers: everything before the live log.</summary>
        public IReadOnlyList<StoredEvent> ToDeliver => Archived.Take((int)Switchover).ToList();
    }

    /// <summary>Runs it; returns the exit code (0 done, 2 bad arguments, 4 gap, 5 the bootstrap did not finish, 6 partition mismatch).</summary>
    public async Task<int> RunAsync(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var catalog = EventCatalog.Current;
        var registration = ContextRegistration.All.SingleOrDefault(r => r.Name == options.Context);
        if (registration is null)
        {
            await error.WriteLineAsync($"rebuild: unknown context '{options.Context}' (contexts: {string.Join(", ", ContextRegistration.All.Select(r => r.Name))}).").ConfigureAwait(false);
            return 2;
        }

        var consumed = catalog.HubsConsumedBy(options.Context);
        var domains = consumed.Select(c => c.Hub).Concat(publisher is null ? catalog.HubsSentBy(options.Context) : [])
            .Select(h => catalog.Stream(h).Domain.Name).Distinct(StringComparer.Ordinal).ToList();
        if (domains.Where(d => !options.Namespaces.ContainsKey(d)).ToList() is { Count: > 0 } missing)
        {
            await error.WriteLineAsync($"rebuild: --namespaces lacks the Event Hubs namespace of domain(s) {string.Join(", ", missing)} (give <domain>=<namespace FQDN>, or azd's EVENTHUB_NAMESPACES).").ConfigureAwait(false);
            return 2;
        }

        var dry = options.DryRun ? "would " : string.Empty;
        var prefix = $"rebuild {options.Context} (Azure): ";
        var tables = options.State.Tables(credential);
        var checkpoints = options.HostStorage.Blobs(credential).GetBlobContainerClient(CheckpointContainer);
        var archive = options.Archive.Blobs(credential);

        // Plan: read everything first; a gap or a partition mismatch stops here, before anything is deleted.
        List<PartitionPlan> plans;
        try
        {
            plans = await PlanAsync(archive, consumed.Select(c => c.Hub).Distinct(StringComparer.Ordinal), ct).ConfigureAwait(false);
        }
        catch (ArchiveGapException ex)
        {
            await error.WriteLineAsync("rebuild: !!! " + ex.Message).ConfigureAwait(false);
            return 4;
        }
        catch (PartitionMismatchException ex)
        {
            await error.WriteLineAsync("rebuild: !!! " + ex.Message).ConfigureAwait(false);
            return 6;
        }

        var owned = await OwnedTablesAsync(tables, ct).ConfigureAwait(false);
        var rows = new List<string>();
        foreach (var table in owned)
        {
            var count = 0;
            await foreach (var _ in tables.GetTableClient(table).QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: ct).ConfigureAwait(false))
            {
                count++;
            }

            rows.Add(string.Create(CultureInfo.InvariantCulture, $"{table} ({count} rows)"));
        }

        await output.WriteLineAsync($"{prefix}{dry}delete every row of its tables in {options.State.Display(tables.Uri)}: {(rows.Count == 0 ? "(none)" : string.Join(", ", rows))}").ConfigureAwait(false);
        var existing = await ExistingCheckpointsAsync(checkpoints, consumed, ct).ConfigureAwait(false);
        await output.WriteLineAsync($"{prefix}{dry}reset the checkpoints of {string.Join(", ", consumed.Select(c => $"{c.Hub}/{c.ConsumerGroup}"))} in {options.HostStorage.Display(checkpoints.Uri)}: " +
            (existing.Count == 0 ? "(none exist)" : string.Join(", ", existing.Select(e => $"{e.Name} (sequencenumber {e.Sequence})")))).ConfigureAwait(false);
        foreach (var plan in plans)
        {
            var range = plan.Archived.Count == 0 ? "nothing archived" : string.Create(CultureInfo.InvariantCulture, $"sequence 0..{plan.Archived[^1].SequenceNumber} in {plan.Blobs.Count} blob(s), {plan.Blobs[0]} .. {plan.Blobs[^1]}");
            var liveRange = plan.LastLive < plan.Switchover ? "empty" : string.Create(CultureInfo.InvariantCulture, $"{plan.Switchover}..{plan.LastLive}");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{prefix}{dry}read {plan.Hub}/{plan.PartitionId} from {ArchiveContainer(catalog.Stream(plan.Hub).Domain.Name)}: {range}; deliver {(plan.Switchover == 0 ? "nothing" : $"0..{plan.Switchover - 1}")}, the live hub holds {liveRange}: switch over at {plan.Switchover}")).ConfigureAwait(false);
        }

        if (options.DryRun)
        {
            return 0;
        }

        // 2. Wipe.
        var deleted = 0;
        foreach (var table in owned)
        {
            deleted += await DeleteRowsAsync(tables.GetTableClient(table), ct).ConfigureAwait(false);
        }

        // 3. Reset.
        await checkpoints.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        foreach (var (name, _) in existing)
        {
            await checkpoints.DeleteBlobIfExistsAsync(name, cancellationToken: ct).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{prefix}deleted {deleted} rows and {existing.Count} checkpoints.")).ConfigureAwait(false);

        // 4. Bootstrap, then the checkpoints at the switchover.
        var stats = await BootstrapAsync(registration, tables, plans, error, ct).ConfigureAwait(false);
        if (stats is null)
        {
            return 5;
        }

        foreach (var (hub, group) in consumed)
        {
            var fqdn = options.Namespaces[catalog.Stream(hub).Domain.Name];
            foreach (var plan in plans.Where(p => p.Hub == hub && p.Switchover > 0))
            {
                // The checkpoint names the last processed event; the trigger resumes after it, at the switchover.
                var last = plan.Archived[(int)plan.Switchover - 1];
                await checkpoints.GetBlobClient(CheckpointBlob(fqdn, hub, group, plan.PartitionId)).UploadAsync(BinaryData.Empty, new BlobUploadOptions
                {
                    Metadata = new Dictionary<string, string>
                    {
                        ["sequencenumber"] = last.SequenceNumber.ToString(CultureInfo.InvariantCulture),
                        ["offset"] = last.OffsetString,
                    },
                }, ct).ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{prefix}processed {stats.Processed} archived events (dead-lettered {stats.DeadLettered}, emitted {stats.Emitted} with their original ids); checkpoints written at the switchover: {string.Join(", ", plans.Select(p => $"{p.Hub}/{p.PartitionId}@{p.Switchover}"))}. Re-enable the triggers: they continue live from there.")).ConfigureAwait(false);
        return 0;
    }

    private async Task<List<PartitionPlan>> PlanAsync(BlobServiceClient archive, IEnumerable<string> hubs, CancellationToken ct)
    {
        var catalog = EventCatalog.Current;
        var plans = new List<PartitionPlan>();
        int? partitionCount = null;
        foreach (var hub in hubs)
        {
            var domain = catalog.Stream(hub).Domain.Name;
            var fqdn = options.Namespaces[domain];
            // The deployment's partition count (infra/main.bicep eventHubPartitions), the same on every hub.
            var ids = await live.GetPartitionIdsAsync(fqdn, hub, ct).ConfigureAwait(false);
            var expected = Enumerable.Range(0, ids.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            partitionCount ??= ids.Length;
            if (!ids.Order(StringComparer.Ordinal).SequenceEqual(expected.Order(StringComparer.Ordinal)) || ids.Length != partitionCount)
            {
                throw new PartitionMismatchException($"Hub '{hub}' in {fqdn} has partitions [{string.Join(",", ids)}]; expected 0..n-1 with the same n on every hub (the deployment's eventHubPartitions).");
            }

            var container = archive.GetBlobContainerClient(ArchiveContainer(domain));
            foreach (var id in expected)
            {
                var folder = $"{fqdn.Split('.')[0]}/{hub}/{id}/";
                var blobs = new List<string>();
                var files = new List<IReadOnlyList<CapturedEvent>>();
                // Blob listings come in name order; Azure's name format makes that time order.
                await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = folder }, ct).ConfigureAwait(false))
                {
                    var content = await container.GetBlobClient(item.Name).DownloadContentAsync(ct).ConfigureAwait(false);
                    using var stream = content.Value.Content.ToStream();
                    files.Add(CaptureFile.Read(stream, item.Name));
                    blobs.Add(item.Name);
                }

                var archived = CaptureArchive.Sequence(hub, id, files);
                var properties = await live.GetPartitionPropertiesAsync(fqdn, hub, id, ct).ConfigureAwait(false);
                // An empty partition (never written, or everything expired) continues after its last enqueued event.
                var firstLive = properties.IsEmpty ? properties.LastEnqueuedSequenceNumber + 1 : properties.BeginningSequenceNumber;
                if (archived.Count > 0 && archived[0].SequenceNumber != 0)
                {
                    throw new ArchiveGapException(hub, id, 0, archived[0].SequenceNumber - 1);
                }

                if (archived.Count < firstLive)
                {
                    throw new ArchiveGapException(hub, id, archived.Count, firstLive - 1);
                }

                plans.Add(new PartitionPlan(hub, id, blobs, archived, firstLive, properties.IsEmpty ? firstLive - 1 : properties.LastEnqueuedSequenceNumber));
            }
        }

        return plans;
    }

    private async Task<ContextStats?> BootstrapAsync(ContextRegistration registration, TableServiceClient tables, List<PartitionPlan> plans, TextWriter error, CancellationToken ct)
    {
        var catalog = EventCatalog.Current;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (options.State.IsEndpoint)
        {
            // The kit binds StateStorage__endpoint with the default (Entra ID) credential, as in the deployed app.
            settings[catalog.StateStorageSetting] = null;
            settings[$"{catalog.StateStorageSetting}:endpoint"] = options.State.Value;
            settings["AzureWebJobsStorage"] = null;
        }

        if (publisher is null)
        {
            foreach (var domain in catalog.Domains.Where(d => options.Namespaces.ContainsKey(d.Name)))
            {
                settings[domain.Connection] = null;
                settings[$"{domain.Connection}:fullyQualifiedNamespace"] = options.Namespaces[domain.Name];
            }
        }

        var hostOptions = new LocalHostOptions(options.State.IsEndpoint ? string.Empty : options.State.Value)
        {
            Contexts = [registration],
            Partitions = plans.Count == 0 ? null : plans.Max(p => int.Parse(p.PartitionId, CultureInfo.InvariantCulture)) + 1,
            Settings = settings,
            StateTables = tables,
            Publisher = publisher ?? (sp => ActivatorUtilities.CreateInstance<EventHubsPublisher>(sp)),
            // Azurite needs no back-off; Azure's throttling does.
            RetryDelayScale = options.State.IsEndpoint ? 1 : 0.001,
            TimerTimeScale = 0.001,
            ContextLogLevel = LogLevel.Critical,
            Error = error,
        };
        await using var host = await LocalFunctionsHost.StartAsync(hostOptions, ct).ConfigureAwait(false);
        foreach (var plan in plans)
        {
            host.Log.Restore(plan.Hub, plan.PartitionId, plan.ToDeliver);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        await host.DrainAsync(timeout.Token).ConfigureAwait(false);
        var outboxes = await OutboxSettling.SettleAsync(host, host.DrainAsync, untilIndexEmpty: true, options.Timeout, timeout.Token).ConfigureAwait(false);
        var behind = plans.Where(p => p.Switchover > 0)
            .SelectMany(p => catalog.HubsConsumedBy(options.Context).Where(c => c.Hub == p.Hub).Select(c => (p, c.ConsumerGroup)))
            .Where(x => host.Log.Checkpoint(x.p.Hub, x.ConsumerGroup, x.p.PartitionId) != x.p.Switchover)
            .Select(x => $"{x.p.Hub}/{x.ConsumerGroup}/{x.p.PartitionId}")
            .ToList();
        if (behind.Count > 0 || outboxes.Any(o => !o.IsClear))
        {
            await error.WriteLineAsync($"rebuild: !!! the bootstrap did not finish (not at the switchover: {string.Join(", ", behind)}; outboxes: {string.Join(", ", outboxes.Select(o => $"{o.Context} pending {o.PendingRows}"))}); no checkpoint written, run it again.").ConfigureAwait(false);
            return null;
        }

        return host.StatsOf(options.Context);
    }

    private async Task<List<string>> OwnedTablesAsync(TableServiceClient tables, CancellationToken ct)
    {
        // A table belongs to the context whose lowercase name prefixes it (the longest one), as in the replay export.
        var contexts = EventCatalog.Current.Contexts.Select(c => c.Name).OrderByDescending(c => c.Length).ToList();
        return (await ReplayExport.ListTablesAsync(tables, ct).ConfigureAwait(false))
            .Where(t => contexts.FirstOrDefault(c => t.StartsWith(c, StringComparison.OrdinalIgnoreCase)) == options.Context)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<int> DeleteRowsAsync(TableClient table, CancellationToken ct)
    {
        var keys = new List<(string PartitionKey, string RowKey)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            keys.Add((entity.PartitionKey, entity.RowKey));
        }

        // One transaction per partition and 100 rows (the service's limit).
        foreach (var partition in keys.GroupBy(k => k.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await table.SubmitTransactionAsync(
                    chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.PartitionKey, k.RowKey), ETag.All)), ct).ConfigureAwait(false);
            }
        }

        return keys.Count;
    }

    private async Task<List<(string Name, string Sequence)>> ExistingCheckpointsAsync(BlobContainerClient checkpoints, IReadOnlyList<(string Hub, string ConsumerGroup)> consumed, CancellationToken ct)
    {
        var found = new List<(string, string)>();
        if (!await checkpoints.ExistsAsync(ct).ConfigureAwait(false))
        {
            return found;
        }

        foreach (var (hub, group) in consumed)
        {
            var fqdn = options.Namespaces[EventCatalog.Current.Stream(hub).Domain.Name];
            await foreach (var blob in checkpoints.GetBlobsAsync(new GetBlobsOptions { Prefix = CheckpointPrefix(fqdn, hub, group), Traits = BlobTraits.Metadata }, ct).ConfigureAwait(false))
            {
                found.Add((blob.Name, blob.Metadata.TryGetValue("sequencenumber", out var s) ? s : "none"));
            }
        }

        return found;
    }

    private static string CheckpointPrefix(string fullyQualifiedNamespace, string hub, string consumerGroup) =>
        $"{fullyQualifiedNamespace}/{hub}/{consumerGroup}/checkpoint/".ToLowerInvariant();

    private sealed class PartitionMismatchException(string message) : Exception(message);
}
