namespace Store.LocalHost.Replay;

/// <summary>The arguments of <c>replay</c>.</summary>
public sealed record ReplayOptions(string Input, string Out, FaultOptions Faults, int Seed)
{
    /// <summary>How long the consumers may take to catch up.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Dead letters to re-inject into their original consumer after the input has been processed (null: none).</summary>
    public DeadLetterSelection? RedeliverDeadLetters { get; init; }

    /// <summary>Events each partition keeps live once the other consumers caught up; the rest move to &lt;out&gt;/capture (null: no retention).</summary>
    public int? Retain { get; init; }

    /// <summary>Contexts whose consumers start only after every other consumer has caught up.</summary>
    public IReadOnlyList<string> StartLate { get; init; } = [];
}

/// <summary>
/// <c>replay --input &lt;file.jsonl&gt; --out &lt;dir&gt; [--faults crash=&lt;p&gt;,duplicate=&lt;p&gt;] [--seed &lt;n&gt;]</c>: appends every
/// input line to its hub, runs every context against a fresh in-memory Azurite until all consumers have caught up, and
/// writes streams/, state/ and summary.json.
/// </summary>
public static class ReplayCommand
{
    /// <summary>Maximal runs of consecutive lines on the same stream.</summary>
    public static IEnumerable<List<ReplayLine>> Waves(IReadOnlyList<ReplayLine> lines)
    {
        var wave = new List<ReplayLine>();
        foreach (var line in lines)
        {
            if (wave.Count > 0 && wave[0].Stream != line.Stream)
            {
                yield return wave;
                wave = [];
            }

            wave.Add(line);
        }

        if (wave.Count > 0)
        {
            yield return wave;
        }
    }

    /// <summary>Runs a replay; returns the process exit code (0 on success).</summary>
    public static async Task<int> RunReplayAsync(ReplayOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var catalog = EventCatalog.Current;
        var hubs = catalog.Streams.Select(s => s.Stream.Hub).ToHashSet(StringComparer.Ordinal);
        if (!File.Exists(options.Input))
        {
            await error.WriteLineAsync($"replay: input file '{options.Input}' does not exist.").ConfigureAwait(false);
            return 2;
        }

        IReadOnlyList<ReplayLine> lines;
        try
        {
            lines = ReplayInput.Read(options.Input, hubs);
        }
        catch (ReplayInputException ex)
        {
            await error.WriteLineAsync($"replay: {options.Input}: {ex.Message}").ConfigureAwait(false);
            return 3;
        }

        var wall = Stopwatch.StartNew();
        await using var azurite = await FreshAzurite.StartAsync(ct).ConfigureAwait(false);
        var hostOptions = new LocalHostOptions(azurite.ConnectionString)
        {
            Faults = options.Faults,
            Seed = options.Seed,
            RetryDelayScale = 0.001,
            TimerTimeScale = 0.001,
            ContextLogLevel = LogLevel.Critical,
            Error = error,
            LogRetries = options.Faults.PublishFail == 0 && options.Faults.TableFail == 0,
        };
        await using var host = await LocalFunctionsHost.StartAsync(hostOptions, ct).ConfigureAwait(false);
        var late = new LateStart(host, Path.Combine(options.Out, "capture"), options.Retain, options.StartLate);
        IReadOnlyList<OutboxCount> outboxes;
        // Input order is time order: each run of consecutive lines on the same stream is appended as one wave, and every
        // consumer catches up on it (deterministically, see DrainAsync) before the next wave arrives.
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(options.Timeout);
            foreach (var wave in Waves(lines))
            {
                host.Log.Append(wave[0].Stream, wave.Select(ReplayInput.ToAppend));
                await host.DrainAsync(timeout.Token).ConfigureAwait(false);
            }

            if (options.RedeliverDeadLetters is { } selection)
            {
                // After the input: the selected dead letters go back to their original consumer only, then everything downstream catches up.
                var letters = DeadLetterRedelivery.InLog(host.Log).Where(selection.Matches).ToList();
                var results = await DeadLetterRedelivery.RedeliverAsync(host, letters, timeout.Token).ConfigureAwait(false);
                await host.DrainAsync(timeout.Token).ConfigureAwait(false);
                await output.WriteLineAsync($"redelivered {results.Count} dead letter(s) ({selection}):").ConfigureAwait(false);
                foreach (var r in results)
                {
                    await output.WriteLineAsync($"  {r.Letter.Id} {r.Letter.Data.Consumer,-13} {r.Letter.Source,-28} {r.Letter.Data.Error.Kind,-16} -> {r.Outcome}").ConfigureAwait(false);
                }
            }

            try
            {
                await late.StartAsync(output, host.DrainAsync, timeout.Token).ConfigureAwait(false);
            }
            catch (ArchiveGapException ex)
            {
                await error.WriteLineAsync("replay: !!! " + ex.Message).ConfigureAwait(false);
                return 4;
            }

            // Quiescence includes the outboxes: the relays run until every outbox is published and cleared and every
            // partition unlisted, so the tables hold nothing of the outbox bookkeeping (and runs can be compared).
            outboxes = await OutboxSettling.SettleAsync(host, host.DrainAsync, untilIndexEmpty: true, options.Timeout, timeout.Token).ConfigureAwait(false);
        }

        Directory.CreateDirectory(options.Out);
        if (late.Archive is not null)
        {
            late.CloseCaptureWindow();
        }
        ReplayExport.WriteStreams(host.Log, options.Out);
        var tables = await ReplayExport.WriteStateAsync(azurite.ConnectionString, host.Apps.Select(a => a.Name), options.Out, ct).ConfigureAwait(false);
        ReplayExport.WriteSummary(host.Stats, options.Out, outboxes);

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"replay: {lines.Count} input events, {host.Log.TotalEvents} events in {host.Log.Hubs.Count} hubs, {tables} tables; faults {options.Faults}, seed {options.Seed}; {wall.Elapsed.TotalSeconds:0.0} s -> {Path.GetFullPath(options.Out)}")).ConfigureAwait(false);
        foreach (var s in host.Stats)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Context,-14} processed {s.Processed,6}  emitted {s.Emitted,6}  dead-lettered {s.DeadLettered,5}  retried {s.Retried,4}  failed {s.Failed,3}  duplicates {s.Duplicates,5}  injected crashes {s.InjectedCrashes,4} duplicates {s.InjectedDuplicates,4} publish-fail {s.InjectedPublishFailures,4} table-fail {s.InjectedTableFailures,4}  relay published {s.RelayPublished,3} (also live {s.RelayAlsoPublishedLive,3})")).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  outboxes at the end: {outboxes.Sum(o => o.PendingRows)} rows hold a pending outbox, {outboxes.Sum(o => o.Markers)} markers, {outboxes.Sum(o => o.IndexRows)} index rows")).ConfigureAwait(false);

        var failed = host.Stats.Sum(s => s.Failed);
        if (failed > 0)
        {
            await error.WriteLineAsync($"replay: !!! {failed} invocation(s) FAILED after their retries; see above.").ConfigureAwait(false);
        }

        return 0;
    }
}
