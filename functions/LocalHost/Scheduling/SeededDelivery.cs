namespace Store.LocalHost.Scheduling;

/// <summary>
/// Delivery in a seeded random order, as an alternative to <see cref="LocalFunctionsHost.DrainAsync"/>'s fixed round
/// robin: each step picks one consumer (function, partition) that has undelivered events, at random, and delivers it one
/// batch of a random size (1 to maxEventBatchSize). Consumers of different contexts and hubs therefore see each other's
/// outputs in any relative order, and batch boundaries fall anywhere, as with real Event Hubs pumps; the same seed gives the
/// same interleaving (with the host's seeded crash/duplicate faults on top), so a failing interleaving can be replayed.
/// </summary>
public sealed class SeededDelivery
{
    private readonly LocalFunctionsHost _host;
    private readonly Random _random;
    private readonly List<Consumer> _consumers;

    /// <summary>Schedules the Event Hubs functions of every hosted context (checkpoints in the host's log).</summary>
    public SeededDelivery(LocalFunctionsHost host, int seed)
    {
        _host = host;
        _random = new Random(seed);
        _consumers = host.Apps
            .SelectMany(app => app.Functions.Where(f => f.EventHub is not null && host.Log.HasHub(f.EventHub.Hub)).OrderBy(f => f.Name, StringComparer.Ordinal)
                .SelectMany(f => host.Log.PartitionIds(f.EventHub!.Hub).Select(p => new Consumer(app, f, p))))
            .ToList();
    }

    /// <summary>Batches delivered so far (redeliveries after an injected crash included).</summary>
    public int Deliveries { get; private set; }

    /// <summary>True when some consumer has events it has not been delivered (and checkpointed) yet.</summary>
    public bool HasPending => _consumers.Any(IsPending);

    /// <summary>Delivers one random batch to one random consumer with pending events; false when nothing is pending.</summary>
    public async Task<bool> StepAsync(CancellationToken ct)
    {
        var pending = _consumers.Where(IsPending).ToList();
        if (pending.Count == 0)
        {
            return false;
        }

        var consumer = pending[_random.Next(pending.Count)];
        var (hub, group) = (consumer.Function.EventHub!.Hub, consumer.Function.EventHub.ConsumerGroup);
        var next = _host.Log.Checkpoint(hub, group, consumer.Partition) ?? 0;
        // Mostly small batches (the boundaries that matter fall between a few events), sometimes up to the configured maximum.
        var max = _host.Options.HostSettings.MaxEventBatchSize;
        var size = 1 + _random.Next(_random.Next(2) == 0 ? Math.Min(3, max) : max);
        var batch = _host.Log.Read(hub, consumer.Partition, next, size);
        Deliveries++;
        if (await _host.DeliverAsync(consumer.App, consumer.Function, consumer.Partition, batch, ct).ConfigureAwait(false))
        {
            _host.Log.SetCheckpoint(hub, group, consumer.Partition, batch[^1].SequenceNumber + 1);
        }

        return true;
    }

    /// <summary>Steps until no consumer has anything left (quiescence: every output has been consumed by every consumer).</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        while (await StepAsync(ct).ConfigureAwait(false))
        {
        }
    }

    private bool IsPending(Consumer c)
    {
        var hub = c.Function.EventHub!.Hub;
        return (_host.Log.Checkpoint(hub, c.Function.EventHub.ConsumerGroup, c.Partition) ?? 0) < _host.Log.EndOf(hub, c.Partition);
    }

    private sealed record Consumer(ContextApp App, FunctionDescriptor Function, string Partition);
}
