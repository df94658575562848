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

    /// <summary>
    /// The publisher each context gets, built from its own services (null: the embedded log). The Azure rebuild publishes
    /// with the kit's Event Hubs publisher.
    /// </summary>
    public Func<IServiceProvider, IEventPublisher>? Publisher { get; init; }

    /// <summary>
    /// Rewrites each event a context publishes to the embedded log before it is appended (null: none). Tests use it to
    /// stand in for a producer of an older version (an order-placed sent as v1, as the Sales before v2 did).
    /// </summary>
    public Func<OutgoingEvent, OutgoingEvent>? RewriteOutput { get; init; }

    /// <summary>Partitions of every hub of the embedded log (null: the catalog's default). The Azure rebuild runs with the deployment's.</summary>
    public int? Partitions { get; init; }

    /// <summary>The state tables as the host itself reads them (outbox census); null: <see cref="StorageConnectionString"/>.</summary>
    public TableServiceClient? StateTables { get; init; }

    /// <summary>Writes a line to <see cref="Error"/> per retry (off in replay with outage faults, where there are thousands).</summary>
    public bool LogRetries { get; init; } = true;

    /// <summary>Counts the entities in every Table transaction (<see cref="ContextStats.TableEntities"/>); costs a copy of each transaction body, so only benchmarks turn it on.</summary>
    public bool CountTableEntities { get; init; }
}
