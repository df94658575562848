namespace Store.LocalHost.Hosting;

/// <summary>
/// Delivers one partition of one hub to one function (its consumer group), in order, in batches of up to host.json's
/// maxEventBatchSize, and checkpoints after each invocation as the Functions host does: also when the function threw
/// and its retries were exhausted. Without a checkpoint it starts per initialOffsetOptions (fromStart: sequence 0).
/// </summary>
internal sealed class PartitionPump(LocalFunctionsHost host, ContextApp app, FunctionDescriptor function, string partitionId)
{
    private readonly string _hub = function.EventHub!.Hub;
    private readonly string _group = function.EventHub!.ConsumerGroup;
    private Task? _loop;
    private volatile bool _busy = true;
    private long _next;
    private long _initial;

    public FunctionDescriptor Function => function;

    public string PartitionId => partitionId;

    /// <summary>True while a batch is being delivered (or the pump has not looked at the partition yet).</summary>
    public bool IsBusy => _busy;

    /// <summary>The sequence number of the next event this pump will deliver.</summary>
    public long NextSequence => Interlocked.Read(ref _next);

    /// <summary>Set when the loop died on an unexpected exception (a bug in the host, not in a function).</summary>
    public Exception? Faulted { get; private set; }

    public void Start(CancellationToken ct)
    {
        var log = host.Log;
        var initial = log.Checkpoint(_hub, _group, partitionId)
            ?? (host.Options.HostSettings.FromStart ? 0 : log.EndOf(_hub, partitionId));
        _initial = initial;
        Interlocked.Exchange(ref _next, initial);
        _loop = Task.Run(() => RunAsync(ct), CancellationToken.None);
    }

    public async Task StopAsync()
    {
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var log = host.Log;
        var settings = host.Options.HostSettings;
        var sinceCheckpoint = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (host.IsPaused(function.Name))
                {
                    // Paused on purpose: the partition's lag grows until the function is resumed.
                    _busy = false;
                    await Task.Delay(50, ct).ConfigureAwait(false);
                    continue;
                }

                var batch = log.Read(_hub, partitionId, NextSequence, settings.MaxEventBatchSize);
                if (batch.Count == 0)
                {
                    _busy = false;
                    await log.WaitForEventAsync(_hub, partitionId, NextSequence, ct).ConfigureAwait(false);
                    continue;
                }

                _busy = true;
                var checkpoint = await host.DeliverAsync(app, function, partitionId, batch, ct).ConfigureAwait(false);
                if (!checkpoint)
                {
                    // Injected crash after the function completed: the next "instance" resumes at the last checkpoint.
                    sinceCheckpoint = 0;
                    Interlocked.Exchange(ref _next, log.Checkpoint(_hub, _group, partitionId) ?? _initial);
                    continue;
                }

                var next = batch[^1].SequenceNumber + 1;
                Interlocked.Exchange(ref _next, next);
                if (++sinceCheckpoint >= settings.BatchCheckpointFrequency || log.EndOf(_hub, partitionId) == next)
                {
                    log.SetCheckpoint(_hub, _group, partitionId, next);
                    sinceCheckpoint = 0;
                }
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Host stopping: a batch in flight (whatever its invocation threw on the way out) is abandoned without a
            // checkpoint, so the next run delivers it again.
        }
        catch (Exception ex)
        {
            Faulted = ex;
            await host.Options.Error.WriteLineAsync($"!!! pump {function.Name} {_hub}/{partitionId} stopped: {ex}").ConfigureAwait(false);
        }
        finally
        {
            _busy = false;
        }
    }
}
