namespace Store.LocalHost.Hosting;

/// <summary>The delivery engines: background pumps, the deterministic drain, quiescence, and HTTP and timer invocations.</summary>
public sealed partial class LocalFunctionsHost
{
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
        var consumers = _apps.Where(app => !HeldBack.Contains(app.Name))
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
}
