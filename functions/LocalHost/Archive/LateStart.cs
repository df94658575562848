namespace Store.LocalHost.Archive;

/// <summary>
/// Contexts that join late, with retention and capture emulated (replay <c>--retain n --start-late A,B</c>, the demo's
/// Loyalty): the named contexts' consumers are held back until every other consumer has caught up; then each partition
/// keeps only its last n events live and the rest exists only in the capture archive; then the late consumers start with
/// no checkpoint and bootstrap: the archive per partition in sequence order through the same function code, then the live
/// log from the first sequence number after the archive. A gap between the two stops them (<see cref="ArchiveGapException"/>).
/// </summary>
public sealed class LateStart
{
    private readonly LocalFunctionsHost _host;
    private readonly int? _retain;
    private readonly IReadOnlySet<string> _late;
    private readonly CaptureArchive? _archive;

    /// <summary>Holds the late contexts back (for <see cref="LocalFunctionsHost.DrainAsync"/>) and attaches a fresh archive under <paramref name="captureRoot"/>.</summary>
    public LateStart(LocalFunctionsHost host, string captureRoot, int? retain, IReadOnlyCollection<string> lateContexts)
    {
        _host = host;
        _retain = retain;
        _late = lateContexts.ToHashSet(StringComparer.Ordinal);
        var unknown = _late.Where(c => host.Apps.All(a => a.Name != c)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"--start-late: unknown context(s) {string.Join(", ", unknown)} (contexts: {string.Join(", ", host.Apps.Select(a => a.Name))}).");
        }

        if (retain is not null)
        {
            // The capture folder belongs to this run: a previous run's files would interleave with its windows.
            if (Directory.Exists(captureRoot))
            {
                Directory.Delete(captureRoot, recursive: true);
            }

            _archive = new CaptureArchive(captureRoot);
            host.Log.Archive = _archive;
        }

        host.HeldBack = _late;
    }

    /// <summary>The archive (null without retention).</summary>
    public CaptureArchive? Archive => _archive;

    /// <summary>Applies retention (when asked) once the others have caught up, then lets the late consumers start and drains.</summary>
    public async Task StartAsync(TextWriter output, Func<CancellationToken, Task> drain, CancellationToken ct)
    {
        await ApplyRetentionAsync(output).ConfigureAwait(false);
        if (_late.Count == 0)
        {
            return;
        }

        _host.HeldBack = new HashSet<string>();
        await drain(ct).ConfigureAwait(false);
        await ReportBootstrapAsync(output).ConfigureAwait(false);
    }

    /// <summary>Moves every event but the last n per partition into the archive and says so.</summary>
    public async Task ApplyRetentionAsync(TextWriter output)
    {
        if (_retain is not { } keep)
        {
            return;
        }

        var files = _host.Log.ApplyRetention(keep);
        var expired = _host.Log.Hubs.Sum(h => _host.Log.PartitionIds(h).Sum(p => _host.Log.FirstLive(h, p)));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"retention: each partition keeps its last {keep} events live; {expired} older events now exist only in {files.Count} capture files under {_archive!.Root}")).ConfigureAwait(false);
    }

    /// <summary>Says how many archived events the late contexts read (the bootstrap) per hub.</summary>
    public async Task ReportBootstrapAsync(TextWriter output)
    {
        var reads = _archive?.ReadsPerHub.Where(r => r.Value > 0).OrderBy(r => r.Key, StringComparer.Ordinal).ToList() ?? [];
        var names = string.Join(", ", _late.Order(StringComparer.Ordinal));
        await output.WriteLineAsync(reads.Count == 0
            ? $"late start: {names} started after every other consumer caught up and read the live streams from the start (nothing archived)."
            : string.Create(CultureInfo.InvariantCulture,
                $"late start: {names} bootstrapped from the capture archive ({string.Join(", ", reads.Select(r => $"{r.Key} {r.Value}"))} archived events, in sequence order per partition), then continued on the live streams.")).ConfigureAwait(false);
    }

    /// <summary>At the end of a run: captures what is still only live, so the archive holds the whole history (as Azure's Capture does within a window).</summary>
    public void CloseCaptureWindow() => _host.Log.CaptureRemaining();
}
