namespace Store.LocalHost.Rebuild;

/// <summary>The arguments of <c>rebuild</c>.</summary>
public sealed record RebuildOptions(string Context, string Dir, bool DryRun)
{
    /// <summary>How long the bootstrap may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// <c>rebuild &lt;Context&gt; --dir &lt;replay-out-dir&gt; [--dry-run]</c>: rebuilds one context's state from the stream archive
/// alone, with the same machinery as a late start: its tables start empty (a fresh Azurite: the wipe), its consumer groups
/// have no checkpoint (the reset), and its functions read every consumed hub from the archive in sequence order (the
/// bootstrap). Writes <c>&lt;dir&gt;/rebuilt/state/&lt;Context&gt;/</c>. The outputs it publishes again carry the ids the
/// archive already holds (deterministic ids), so downstream consumers drop them as duplicates; the command checks that.
/// In Azure the same steps run as the README's rebuild procedure.
/// </summary>
public static class RebuildCommand
{
    public static async Task<int> RunAsync(RebuildOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var catalog = EventCatalog.Current;
        var registration = ContextRegistration.All.SingleOrDefault(r => r.Name == options.Context);
        if (registration is null)
        {
            await error.WriteLineAsync($"rebuild: unknown context '{options.Context}' (contexts: {string.Join(", ", ContextRegistration.All.Select(r => r.Name))}).").ConfigureAwait(false);
            return 2;
        }

        var captureRoot = Path.Combine(options.Dir, "capture");
        if (!Directory.Exists(captureRoot))
        {
            await error.WriteLineAsync($"rebuild: no capture archive at {Path.GetFullPath(captureRoot)} (run replay with --retain <n> first).").ConfigureAwait(false);
            return 3;
        }

        var archive = new CaptureArchive(captureRoot);
        var consumed = catalog.HubsConsumedBy(options.Context);
        try
        {
            await PlanAsync(options, archive, consumed, output).ConfigureAwait(false);
            if (options.DryRun)
            {
                return 0;
            }

            await using var azurite = await FreshAzurite.StartAsync(ct).ConfigureAwait(false);
            var hostOptions = new LocalHostOptions(azurite.ConnectionString)
            {
                Contexts = [registration],
                RetryDelayScale = 0.001,
                TimerTimeScale = 0.001,
                ContextLogLevel = LogLevel.Critical,
                Error = error,
            };
            await using var host = await LocalFunctionsHost.StartAsync(hostOptions, ct).ConfigureAwait(false);
            host.Log.Archive = archive;
            host.Log.RestoreFromArchive();
            var archivedEnds = host.Log.Hubs.ToDictionary(h => h, h => host.Log.PartitionIds(h).ToDictionary(p => p, p => host.Log.EndOf(h, p)), StringComparer.Ordinal);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Timeout);
            await host.DrainAsync(timeout.Token).ConfigureAwait(false);
            await OutboxSettling.SettleAsync(host, host.DrainAsync, untilIndexEmpty: true, options.Timeout, timeout.Token).ConfigureAwait(false);

            var rebuilt = Path.Combine(options.Dir, "rebuilt");
            if (Directory.Exists(rebuilt))
            {
                Directory.Delete(rebuilt, recursive: true);
            }

            var tables = await ReplayExport.WriteStateAsync(azurite.ConnectionString, [options.Context], rebuilt, ct).ConfigureAwait(false);

            // Outputs published again must be events the archive already holds (same ids): nothing new reaches downstream.
            var republished = 0;
            var novel = new List<string>();
            foreach (var hub in host.Log.Hubs)
            {
                var archivedIds = host.Log.ReadAll(hub).Where(e => e.SequenceNumber < archivedEnds[hub][e.PartitionId]).Select(e => e.MessageId).ToHashSet(StringComparer.Ordinal);
                foreach (var e in host.Log.ReadAll(hub).Where(e => e.SequenceNumber >= archivedEnds[hub][e.PartitionId]))
                {
                    republished++;
                    if (!archivedIds.Contains(e.MessageId))
                    {
                        novel.Add($"{hub}/{e.PartitionId}#{e.SequenceNumber} id {e.MessageId}");
                    }
                }
            }

            var stats = host.StatsOf(options.Context);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"rebuild: {options.Context} processed {stats.Processed} archived events (dead-lettered {stats.DeadLettered}), wrote {tables} tables to {Path.GetFullPath(Path.Combine(rebuilt, "state", options.Context))}; re-published {republished} outputs, {republished - novel.Count} of them with ids already in the archive.")).ConfigureAwait(false);
            if (novel.Count > 0)
            {
                await error.WriteLineAsync($"rebuild: !!! {novel.Count} re-published output(s) are not in the archive (the rebuild diverged from the original run): {string.Join("; ", novel.Take(10))}").ConfigureAwait(false);
                return 5;
            }

            return 0;
        }
        catch (ArchiveGapException ex)
        {
            await error.WriteLineAsync("rebuild: !!! " + ex.Message).ConfigureAwait(false);
            return 4;
        }
    }

    private static async Task PlanAsync(RebuildOptions options, CaptureArchive archive, IReadOnlyList<(string Hub, string ConsumerGroup)> consumed, TextWriter output)
    {
        var dry = options.DryRun ? "would " : string.Empty;
        var stateDir = Path.Combine(options.Dir, "state", options.Context);
        var tables = Directory.Exists(stateDir)
            ? Directory.GetFiles(stateDir, "*.jsonl").Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileNameWithoutExtension(f)} ({File.ReadLines(f).Count()} rows)").ToList()
            : [];
        await output.WriteLineAsync($"rebuild {options.Context}: {dry}delete its tables: {(tables.Count == 0 ? "(none recorded in " + stateDir + ")" : string.Join(", ", tables))}").ConfigureAwait(false);
        await output.WriteLineAsync($"rebuild {options.Context}: {dry}reset the checkpoints of its consumer groups: {string.Join(", ", consumed.Select(c => $"{c.Hub}/{c.ConsumerGroup}"))}").ConfigureAwait(false);
        foreach (var (hub, _) in consumed)
        {
            var partitions = EventCatalog.Current.Stream(hub).Stream.Partitions;
            for (var p = 0; p < partitions; p++)
            {
                var id = p.ToString(CultureInfo.InvariantCulture);
                var files = archive.FilesOf(hub, id);
                var events = archive.ReadPartition(hub, id);
                await output.WriteLineAsync(events.Count == 0
                    ? $"rebuild {options.Context}: {dry}read {hub}/{id}: nothing archived"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"rebuild {options.Context}: {dry}read {hub}/{id}: sequence {events[0].SequenceNumber}..{events[^1].SequenceNumber} from {files.Count} capture file(s), {Path.GetRelativePath(archive.Root, files[0])} .. {Path.GetRelativePath(archive.Root, files[^1])}")).ConfigureAwait(false);
            }
        }
    }
}
