using System.Collections.Concurrent;
using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Store.Eventing.Catalog;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Microsoft.Extensions.Azure;
using Store.LocalHost.EventLog;
using Store.LocalHost.Functions;
using Store.LocalHost.Http;

namespace Store.LocalHost.Hosting;

/// <summary>What the local host runs with.</summary>
public sealed record LocalHostOptions(string StorageConnectionString)
{
    /// <summary>host.json settings.</summary>
    public HostSettings HostSettings { get; init; } = HostSettings.Load();

    /// <summary>Extra app settings for every context (they win over the defaults; environment variables win over both).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Injected faults.</summary>
    public FaultOptions Faults { get; init; } = FaultOptions.None;

    /// <summary>Seed of the fault injection.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Multiplies retry delays (1 = as declared; replay mode scales seconds down to milliseconds).</summary>
    public double RetryDelayScale { get; init; } = 1;

    /// <summary>
    /// Wall-clock seconds per second of the timer schedules and of the outbox relay's thresholds (1 = real time; replay
    /// runs a one-minute schedule every 60 ms with 0.001).
    /// </summary>
    public double TimerTimeScale { get; init; } = 1;

    /// <summary>Minimum level of the contexts' own logs (they log every batch at Information).</summary>
    public LogLevel ContextLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The contexts to host.</summary>
    public IReadOnlyList<ContextRegistration> Contexts { get; init; } = ContextRegistration.All;

    /// <summary>Where failed invocations and warnings go.</summary>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>Writes a line to <see cref="Error"/> per retry (off in replay with outage faults, where there are thousands).</summary>
    public bool LogRetries { get; init; } = true;
}

/// <summary>
/// The in-process stand-in for the Functions host and Event Hubs: builds every context app, runs one pump per
/// (hub, consumer group, partition) of every Event Hubs function, and dispatches HTTP requests to the HTTP functions.
/// </summary>
public sealed class LocalFunctionsHost : IAsyncDisposable
{
    private readonly AsyncLocal<InvocationScope?> _currentInvocation = new();
    private readonly List<ContextApp> _apps = [];
    private readonly ConcurrentDictionary<string, ContextStats> _stats = new(StringComparer.Ordinal);
    private readonly List<PartitionPump> _pumps = [];
    private readonly Lock _pumpGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Random _faults;
    private readonly Lock _faultGate = new();
    private readonly ConcurrentDictionary<string, int> _publishedBy = new(StringComparer.Ordinal);
    private int _httpInFlight;

    private const int PublishedLive = 1;
    private const int PublishedByRelay = 2;

    private LocalFunctionsHost(LocalHostOptions options, EventStreamLog log)
    {
        Options = options;
        Log = log;
        _faults = new Random(options.Seed);
        Injector = new FaultInjector(options.Faults, unchecked(options.Seed * 31 + 7));
        Http = new HttpDispatcher(this);
        Timers = new TimerScheduler(this, options.TimerTimeScale);
    }

    /// <summary>The outage faults (publish and Table failures) of every context.</summary>
    public FaultInjector Injector { get; }

    /// <summary>The timer-triggered functions and their scaled clock.</summary>
    public TimerScheduler Timers { get; }

    /// <summary>Raised after every Event Hubs invocation that completed (used by the demo's latency probe).</summary>
    public event Action<FunctionDescriptor, IReadOnlyList<StoredEvent>>? BatchCompleted;

    /// <summary>The options.</summary>
    public LocalHostOptions Options { get; }

    /// <summary>The embedded event log.</summary>
    public EventStreamLog Log { get; }

    /// <summary>The hosted apps.</summary>
    public IReadOnlyList<ContextApp> Apps => _apps;

    /// <summary>Every discovered function.</summary>
    public IEnumerable<FunctionDescriptor> Functions => _apps.SelectMany(a => a.Functions);

    /// <summary>The HTTP functions' dispatcher.</summary>
    public HttpDispatcher Http { get; }

    /// <summary>Counters per context, in catalog order.</summary>
    public IReadOnlyList<ContextStats> Stats => _apps.Select(a => StatsOf(a.Name)).ToArray();

    /// <summary>Builds every context app (its own DI container and functions) over a new log with the catalog's hubs.</summary>
    public static async Task<LocalFunctionsHost> StartAsync(LocalHostOptions options, CancellationToken ct)
    {
        var host = new LocalFunctionsHost(options, new EventStreamLog(EventCatalog.Current));
        var configuration = BuildConfiguration(options);
        foreach (var registration in options.Contexts)
        {
            var stats = host.StatsOf(registration.Name);
            var publisher = host.Injector.Publisher(new LogPublisher(host.Log, registration.Name, host.OnPublished, DeadLetters.DeadLetterRedelivery.RewriteIfRedelivered), stats);
            var app = await ContextApp.StartAsync(registration, configuration, publisher, services =>
            {
                // Each try of a Table request may fail with 503, as in Azure: the SDK's own retries (3, delays scaled like the
                // functions' retries) absorb most; what outlasts them reaches the function, whose policy retries the batch.
                var policy = host.Injector.TablePolicy(stats);
                services.AddAzureClients(clients => clients.ConfigureDefaults(o =>
                {
                    o.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerRetry);
                    o.Retry.Delay = TimeSpan.FromTicks((long)(o.Retry.Delay.Ticks * options.RetryDelayScale));
                    o.Retry.MaxDelay = TimeSpan.FromTicks((long)(o.Retry.MaxDelay.Ticks * options.RetryDelayScale));
                }));

                services.AddLogging(logging =>
            {
                logging.ClearProviders();
                logging.SetMinimumLevel(options.ContextLogLevel);
                logging.AddFilter("Azure", LogLevel.Error);
                logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                });
            });
            }, ct).ConfigureAwait(false);
            host._apps.Add(app);
            foreach (var function in app.Functions.Where(f => f.Timer is not null))
            {
                host.Timers.Add(app, function);
            }
        }

        return host;
    }

    /// <summary>The configuration every app gets: StateStorage, Event Hubs connection placeholders (the log replaces Event Hubs), extra settings, environment.</summary>
    public static IConfiguration BuildConfiguration(LocalHostOptions options)
    {
        var catalog = EventCatalog.Current;
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [catalog.StateStorageSetting] = options.StorageConnectionString,
            ["AzureWebJobsStorage"] = options.StorageConnectionString,
        };
        foreach (var domain in catalog.Domains)
        {
            // Never used for sending (the publisher is the embedded log); present so registrations that read it find a value.
            defaults[domain.Connection] = "Endpoint=sb://localhost;SharedAccessKeyName=local;SharedAccessKey=bG9jYWw=;UseDevelopmentEmulator=true";
        }

        // The relay's thresholds run on the timers' scaled clock.
        defaults["Eventing:OutboxRelay:PendingFor"] = Scaled(OutboxRelayOptions.Default.PendingFor, options.TimerTimeScale);
        defaults["Eventing:OutboxRelay:Grace"] = Scaled(OutboxRelayOptions.Default.Grace, options.TimerTimeScale);
        foreach (var (key, value) in options.Settings)
        {
            defaults[key] = value;
        }

        return new ConfigurationBuilder()
            .AddInMemoryCollection(defaults)
            .AddEnvironmentVariables()
            .Build();
    }

    private static string Scaled(TimeSpan span, double scale) =>
        TimeSpan.FromTicks((long)(span.Ticks * scale)).ToString("c", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The counters of a context.</summary>
    public ContextStats StatsOf(string context) => _stats.GetOrAdd(context, c => new ContextStats(c));

    /// <summary>The app of a context.</summary>
    public ContextApp App(string context) => _apps.Single(a => a.Name == context);

    /// <summary>Runs the timer functions in the background on their (scaled) schedules.</summary>
    public void StartTimers() => Timers.Start(_stopping.Token);

    /// <summary>
    /// Starts the pumps of every Event Hubs function of the contexts accepted by <paramref name="filter"/> (all when null):
    /// one per (hub, consumer group, partition), starting at the group's checkpoint or, without one, per initialOffsetOptions.
    /// </summary>
    public void StartConsumers(Func<string, bool>? filter = null)
    {
        lock (_pumpGate)
        {
            foreach (var app in _apps.Where(a => filter?.Invoke(a.Name) ?? true))
            {
                foreach (var function in app.Functions.Where(f => f.EventHub is not null))
                {
                    var trigger = function.EventHub!;
                    if (!Log.HasHub(trigger.Hub))
                    {
                        Options.Error.WriteLine($"WARNING: {function.Name} triggers on hub '{trigger.Hub}', which is not in schemas/catalog.json; not started.");
                        continue;
                    }

                    if (_pumps.Any(p => p.Function == function))
                    {
                        continue;
                    }

                    foreach (var partition in Log.PartitionIds(trigger.Hub))
                    {
                        var pump = new PartitionPump(this, app, function, partition);
                        _pumps.Add(pump);
                        pump.Start(_stopping.Token);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Runs every Event Hubs function of every hosted context without background pumps, deterministically: in rounds,
    /// each consumer (context order, function name, partition) in turn drains its partition in batches, until no consumer
    /// has anything left. Replay mode uses this so that injected crashes and duplicates change only redeliveries, never the
    /// order in which events are first delivered: the run with faults must reach the state of the run without.
    /// </summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        var consumers = _apps
            .SelectMany(app => app.Functions.Where(f => f.EventHub is not null && Log.HasHub(f.EventHub.Hub)).OrderBy(f => f.Name, StringComparer.Ordinal)
                .SelectMany(f => Log.PartitionIds(f.EventHub!.Hub).Select(p => (App: app, Function: f, Partition: p))))
            .ToList();
        bool progressed;
        do
        {
            progressed = false;
            foreach (var (app, function, partition) in consumers)
            {
                var (hub, group) = (function.EventHub!.Hub, function.EventHub.ConsumerGroup);
                if (Log.Checkpoint(hub, group, partition) is null && !Options.HostSettings.FromStart)
                {
                    Log.SetCheckpoint(hub, group, partition, Log.EndOf(hub, partition));
                }

                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    var next = Log.Checkpoint(hub, group, partition) ?? 0;
                    var batch = Log.Read(hub, partition, next, Options.HostSettings.MaxEventBatchSize);
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    progressed = true;
                    if (await DeliverAsync(app, function, partition, batch, ct).ConfigureAwait(false))
                    {
                        Log.SetCheckpoint(hub, group, partition, batch[^1].SequenceNumber + 1);
                    }
                }
            }

            // Timers that came due on the scaled clock run between rounds, never during a delivery.
            await Timers.RunDueAsync(ct).ConfigureAwait(false);
        }
        while (progressed);
    }

    /// <summary>True when every pump is idle at the end of its partition and no HTTP request is running.</summary>
    public bool IsCaughtUp()
    {
        if (Volatile.Read(ref _httpInFlight) > 0)
        {
            return false;
        }

        PartitionPump[] pumps;
        lock (_pumpGate)
        {
            pumps = [.. _pumps];
        }

        foreach (var pump in pumps)
        {
            if (pump.Faulted is { } fault)
            {
                throw new InvalidOperationException($"The pump of {pump.Function.Name} on partition {pump.PartitionId} stopped.", fault);
            }

            if (pump.IsBusy || pump.NextSequence < Log.EndOf(pump.Function.EventHub!.Hub, pump.PartitionId))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Waits until every consumer has caught up and nothing new is produced (quiescence).</summary>
    public async Task WaitForQuiescenceAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (IsCaughtUp())
            {
                var version = Log.Version;
                await Task.Delay(25, ct).ConfigureAwait(false);
                if (IsCaughtUp() && Log.Version == version)
                {
                    return;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The consumers did not catch up within {timeout.TotalSeconds:0} s ({Lagging()}).");
            }

            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Invokes an HTTP function, counting it as in flight for quiescence.</summary>
    internal async Task<object?> InvokeHttpFunctionAsync(ContextApp app, FunctionDescriptor function, InvocationInput input, CancellationToken ct)
    {
        Interlocked.Increment(ref _httpInFlight);
        _currentInvocation.Value = new InvocationScope(app.Name, CountsFromOutcome: false);
        try
        {
            StatsOf(app.Name).Invoked();
            return await FunctionInvoker.InvokeAsync(function, app.Services, input, new Dictionary<string, object?>(), 0, ct).ConfigureAwait(false);
        }
        finally
        {
            _currentInvocation.Value = null;
            Interlocked.Decrement(ref _httpInFlight);
        }
    }

    /// <summary>
    /// Invokes a timer function (the outbox relays). A failure is logged; the next tick runs it again (timer functions
    /// declare no retry policy).
    /// </summary>
    internal async Task<object?> InvokeTimerFunctionAsync(ContextApp app, FunctionDescriptor function, bool pastDue, CancellationToken ct)
    {
        var stats = StatsOf(app.Name);
        _currentInvocation.Value = new InvocationScope(app.Name, CountsFromOutcome: false, IsTimer: true);
        try
        {
            stats.Invoked();
            stats.RelayRun();
            var timer = new Microsoft.Azure.Functions.Worker.TimerInfo { IsPastDue = pastDue };
            return await FunctionInvoker.InvokeAsync(function, app.Services, new InvocationInput(timer), new Dictionary<string, object?>(), 0, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            await Options.Error.WriteLineAsync($"timer {function.Name} failed (the next tick runs it again): {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return null;
        }
        finally
        {
            _currentInvocation.Value = null;
        }
    }

    /// <summary>Delivers one batch to an Event Hubs function with its retry policy; returns false when a crash was injected (no checkpoint).</summary>
    internal async Task<bool> DeliverAsync(ContextApp app, FunctionDescriptor function, string partitionId, IReadOnlyList<StoredEvent> batch, CancellationToken ct)
    {
        await InvokeWithRetriesAsync(app, function, partitionId, batch, ct).ConfigureAwait(false);
        if (Roll(Options.Faults.Duplicate))
        {
            // The same batch again, as after a partition ownership change.
            StatsOf(app.Name).Duplicate();
            await InvokeWithRetriesAsync(app, function, partitionId, batch, ct).ConfigureAwait(false);
        }

        if (Roll(Options.Faults.Crash))
        {
            // The function completed (state committed, outputs published) but the host dies before the checkpoint.
            StatsOf(app.Name).Crash();
            return false;
        }

        return true;
    }

    private async Task InvokeWithRetriesAsync(ContextApp app, FunctionDescriptor function, string partitionId, IReadOnlyList<StoredEvent> batch, CancellationToken ct)
    {
        var trigger = function.EventHub!;
        var stats = StatsOf(app.Name);
        var bindingData = LocalFunctionContext.EventHubBindingData(trigger.Hub, trigger.ConsumerGroup, partitionId);
        var countsFromOutcome = function.Method.ReturnType == typeof(Task<BatchOutcome>) || function.Method.ReturnType == typeof(BatchOutcome) || function.Method.ReturnType == typeof(ValueTask<BatchOutcome>);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _currentInvocation.Value = new InvocationScope(app.Name, countsFromOutcome);
                stats.Invoked();
                if (trigger.IsBatched)
                {
                    var events = batch.Select(ToEventData).ToArray();
                    Record(stats, await FunctionInvoker.InvokeAsync(function, app.Services, new InvocationInput(events), bindingData, attempt, ct).ConfigureAwait(false), batch.Count);
                }
                else
                {
                    foreach (var e in batch)
                    {
                        Record(stats, await FunctionInvoker.InvokeAsync(function, app.Services, new InvocationInput(ToEventData(e)), bindingData, attempt, ct).ConfigureAwait(false), 1);
                    }
                }

                BatchCompleted?.Invoke(function, batch);
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                if (function.Retry is { } retry && (retry.MaxRetryCount < 0 || attempt < retry.MaxRetryCount))
                {
                    // maxRetryCount -1: as the Functions host, retry until the batch succeeds; the checkpoint stays where it is.
                    stats.Retry();
                    var delay = TimeSpan.FromTicks((long)(retry.DelayBefore(attempt + 1).Ticks * Options.RetryDelayScale));
                    if (Options.LogRetries)
                    {
                        await Options.Error.WriteLineAsync($"retry {attempt + 1}/{(retry.MaxRetryCount < 0 ? "until success" : retry.MaxRetryCount)} of {function.Name} on {trigger.Hub}/{partitionId} in {delay.TotalMilliseconds:0} ms: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
                    }

                    await Task.Delay(delay, ct).ConfigureAwait(false);
                    continue;
                }

                // A finite policy exhausted (or none declared): the host checkpoints anyway, so this batch is lost to the function. Say so loudly.
                stats.Fail();
                var first = batch[0];
                await Options.Error.WriteLineAsync(
                    $"!!! FAILED: {function.Name} on {trigger.Hub}/{partitionId} seq {first.SequenceNumber}..{batch[^1].SequenceNumber} ({batch.Count} events) after {attempt} retries; " +
                    $"the host checkpoints past it: {ex}").ConfigureAwait(false);
                return;
            }
            finally
            {
                _currentInvocation.Value = null;
            }
        }
    }

    private static void Record(ContextStats stats, object? result, int delivered)
    {
        if (result is BatchOutcome outcome)
        {
            stats.AddProcessed(outcome.Processed);
            stats.AddEmitted(outcome.Emitted);
            stats.AddDeadLettered(outcome.DeadLettered);
            stats.AddDuplicates(outcome.Duplicates);
        }
        else
        {
            stats.AddProcessed(delivered);
        }
    }

    private void OnPublished(string context, IReadOnlyList<OutgoingEvent> events)
    {
        // Which events the relay published, and which of those a live invocation published too (before or after).
        var byRelay = _currentInvocation.Value is { IsTimer: true };
        var flag = byRelay ? PublishedByRelay : PublishedLive;
        long relayed = 0, overlap = 0;
        foreach (var e in events)
        {
            var before = 0;
            _publishedBy.AddOrUpdate(e.Id, flag, (_, old) =>
            {
                before = old;
                return old | flag;
            });
            relayed += byRelay ? 1 : 0;
            overlap += (before | flag) == (PublishedLive | PublishedByRelay) && (before & flag) == 0 ? 1 : 0;
        }

        StatsOf(context).AddRelayed(relayed);
        StatsOf(context).AddRelayedAlsoLive(overlap);

        // Trigger invocations that return a BatchOutcome are counted from it; everything else (HTTP ingress, other triggers) from the log.
        if (_currentInvocation.Value is { CountsFromOutcome: true })
        {
            return;
        }

        var deadLetterHub = EventCatalog.Current.DeadLetterStream.Hub;
        var deadLettered = events.Count(e => e.Hub == deadLetterHub);
        StatsOf(context).AddDeadLettered(deadLettered);
        StatsOf(context).AddEmitted(events.Count - deadLettered);
    }

    /// <summary>The <see cref="EventData"/> a trigger receives for a stored event (system properties via <see cref="EventHubsModelFactory"/>).</summary>
    public static EventData ToEventData(StoredEvent e) =>
        EventHubsModelFactory.EventData(
            new BinaryData(e.Body),
            properties: new Dictionary<string, object>(e.Properties),
            systemProperties: new Dictionary<string, object>(),
            partitionKey: e.PartitionKey,
            sequenceNumber: e.SequenceNumber,
            offsetString: e.OffsetString,
            enqueuedTime: e.EnqueuedTime);

    private bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }

        lock (_faultGate)
        {
            return _faults.NextDouble() < probability;
        }
    }

    private string Lagging()
    {
        lock (_pumpGate)
        {
            var lagging = _pumps.Where(p => p.IsBusy || p.NextSequence < Log.EndOf(p.Function.EventHub!.Hub, p.PartitionId))
                .Select(p => $"{p.Function.Name}/{p.PartitionId} at {p.NextSequence} of {Log.EndOf(p.Function.EventHub!.Hub, p.PartitionId)}")
                .Take(10);
            return "lagging: " + string.Join(", ", lagging);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Timers.StopAsync().ConfigureAwait(false);
        PartitionPump[] pumps;
        lock (_pumpGate)
        {
            pumps = [.. _pumps];
        }

        foreach (var pump in pumps)
        {
            await pump.StopAsync().ConfigureAwait(false);
        }

        foreach (var app in _apps)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private sealed record InvocationScope(string Context, bool CountsFromOutcome, bool IsTimer = false);
}
