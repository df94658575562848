using System.Diagnostics.Metrics;

namespace Store.Eventing.Processing;

/// <summary>Metrics and traces of event processing (OpenTelemetry picks them up by name: meter and source "Store.Eventing").</summary>
public sealed class EventingMetrics : IDisposable
{
    public const string Name = "Store.Eventing";

    /// <summary>Activity source for batch and ingress spans.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public EventingMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Processed = _meter.CreateCounter<long>("store.events.processed", description: "Events applied by a consumer.");
        Emitted = _meter.CreateCounter<long>("store.events.emitted", description: "Events published by a context.");
        DeadLettered = _meter.CreateCounter<long>("store.events.dead_lettered", description: "Events sent to the dead-letter stream.");
        Duplicates = _meter.CreateCounter<long>("store.events.duplicates", description: "Redelivered events skipped as already applied.");
        Lag = _meter.CreateHistogram<double>("store.events.lag", unit: "ms", description: "Processing lag: now minus enqueued time.");
        BatchSize = _meter.CreateHistogram<int>("store.batch.size", description: "Events per trigger invocation.");
        Relayed = _meter.CreateCounter<long>("store.outbox.relayed", description: "Outbox entries published by the outbox relay (committed earlier, not known to be published).");
        BlockedAttempts = _meter.CreateCounter<long>("store.batch.blocked_attempts", description: "Batch attempts that failed transiently; the partition waits for the retry.");
    }

    public Counter<long> Processed { get; }
    public Counter<long> Emitted { get; }
    public Counter<long> DeadLettered { get; }
    public Counter<long> Duplicates { get; }
    public Histogram<double> Lag { get; }
    public Histogram<int> BatchSize { get; }
    public Counter<long> Relayed { get; }
    public Counter<long> BlockedAttempts { get; }

    public void Dispose() => _meter.Dispose();
}
