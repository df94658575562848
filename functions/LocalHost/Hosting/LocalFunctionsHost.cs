using Microsoft.Extensions.Azure;

namespace Store.LocalHost.Hosting;

/// <summary>
/// The in-process stand-in for the Functions host and Event Hubs: builds every context app, runs one pump per
/// (hub, consumer group, partition) of every Event Hubs function, and dispatches HTTP requests to the HTTP functions.
/// Wiring is here; the delivery engines (pumps, deterministic drain, HTTP and timer invocations) are in
/// LocalFunctionsHost.Delivery.cs; retries and injected faults in LocalFunctionsHost.Retries.cs.
/// </summary>
public sealed partial class LocalFunctionsHost : IAsyncDisposable
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

    /// <summary>Tags this host's HTTP server spans, so a <see cref="Tracing.TraceRecorder"/> can keep only its traces.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Counters per context, in catalog order.</summary>
    public IReadOnlyList<ContextStats> Stats => _apps.Select(a => StatsOf(a.Name)).ToArray();

    /// <summary>Builds every context app (its own DI container and functions) over a new log with the catalog's hubs.</summary>
    public static async Task<LocalFunctionsHost> StartAsync(LocalHostOptions options, CancellationToken ct)
    {
        var host = new LocalFunctionsHost(options, new EventStreamLog(EventCatalog.Current.Streams.Select(s => (s.Stream.Hub, options.Partitions ?? s.Stream.Partitions))));
        var configuration = BuildConfiguration(options);
        foreach (var registration in options.Contexts)
        {
            var stats = host.StatsOf(registration.Name);
            var rewrite = options.RewriteOutput is { } older
                ? e => older(DeadLetters.DeadLetterRedelivery.RewriteIfRedelivered(e))
                : (Func<OutgoingEvent, OutgoingEvent>)DeadLetters.DeadLetterRedelivery.RewriteIfRedelivered;
            var logPublisher = host.Injector.Publisher(new LogPublisher(host.Log, registration.Name, host.OnPublished, rewrite), stats);
            Func<IServiceProvider, IEventPublisher> publisher = options.Publisher ?? (_ => logPublisher);
            var app = await ContextApp.StartAsync(registration, configuration, publisher, services =>
            {
                // Each try of a Table request may fail with 503, as in Azure: the SDK's own retries (3, delays scaled like the
                // functions' retries) absorb most; what outlasts them reaches the function, whose policy retries the batch.
                var policy = host.Injector.TablePolicy(stats, options.CountTableEntities);
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
