namespace Store.LocalHost.Hosting;

/// <summary>
/// Runs the timer-triggered functions (the outbox relays) on their NCRONTAB schedules against a clock that runs
/// 1 / <see cref="TimeScale"/> times as fast as the wall clock (replay: 1000x, so a one-minute schedule fires every 60 ms).
/// The demo runs them in the background (<see cref="Start"/>); replay calls <see cref="RunDueAsync"/> between its
/// deterministic delivery rounds and <see cref="RunAllAsync"/> to settle. One invocation of a timer function at a time, as
/// the Functions host's singleton timer lock does.
/// </summary>
public sealed class TimerScheduler
{
    private readonly LocalFunctionsHost _host;
    private readonly List<Entry> _entries = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow;
    private Task? _loop;

    internal TimerScheduler(LocalFunctionsHost host, double timeScale)
    {
        if (timeScale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeScale), "The timer time scale must be positive.");
        }

        _host = host;
        TimeScale = timeScale;
    }

    /// <summary>Wall-clock seconds per scheduled second.</summary>
    public double TimeScale { get; }

    /// <summary>The scheduled timer functions.</summary>
    public IReadOnlyList<FunctionDescriptor> Functions => _entries.Select(e => e.Function).ToArray();

    /// <summary>The scaled clock.</summary>
    public DateTimeOffset Now => _origin + TimeSpan.FromTicks((long)(_clock.Elapsed.Ticks / TimeScale));

    internal void Add(ContextApp app, FunctionDescriptor function)
    {
        var schedule = CronSchedule.Parse(function.Timer!.Schedule);
        _entries.Add(new Entry(app, function, schedule) { Next = function.Timer.RunOnStartup ? Now : schedule.Next(Now) });
    }

    /// <summary>Runs every timer function in the background on its schedule until <paramref name="ct"/> is cancelled.</summary>
    public void Start(CancellationToken ct)
    {
        if (_entries.Count == 0 || _loop is not null)
        {
            return;
        }

        _loop = Task.Run(async () =>
        {
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var next = _entries.Min(e => e.Next);
                    var wait = TimeSpan.FromTicks((long)((next - Now).Ticks * TimeScale));
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, ct).ConfigureAwait(false);
                    }

                    await RunDueAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Host stopping.
            }
        }, CancellationToken.None);
    }

    /// <summary>Invokes the timer functions that are due on the scaled clock; returns their results.</summary>
    public async Task<IReadOnlyList<object?>> RunDueAsync(CancellationToken ct)
    {
        var results = new List<object?>();
        var now = Now;
        foreach (var entry in _entries.Where(e => e.Next <= now).ToList())
        {
            entry.Next = entry.Schedule.Next(now);
            results.Add(await InvokeAsync(entry, pastDue: now - entry.Next > TimeSpan.FromMinutes(1), ct).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Invokes every timer function once now (replay settles with it); returns their results.</summary>
    public async Task<IReadOnlyList<object?>> RunAllAsync(CancellationToken ct)
    {
        var results = new List<object?>();
        foreach (var entry in _entries)
        {
            results.Add(await InvokeAsync(entry, pastDue: false, ct).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Waits for the background loop after the host's token was cancelled.</summary>
    internal async Task StopAsync()
    {
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task<object?> InvokeAsync(Entry entry, bool pastDue, CancellationToken ct)
    {
        await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await _host.InvokeTimerFunctionAsync(entry.App, entry.Function, pastDue, ct).ConfigureAwait(false);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private sealed class Entry(ContextApp app, FunctionDescriptor function, CronSchedule schedule)
    {
        public ContextApp App { get; } = app;
        public FunctionDescriptor Function { get; } = function;
        public CronSchedule Schedule { get; } = schedule;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public DateTimeOffset Next { get; set; }
    }
}
