namespace Store.LocalHost.Hosting;

/// <summary>One batch's delivery with the function's retry policy, and the injected crashes and duplicate deliveries.</summary>
public sealed partial class LocalFunctionsHost
{
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
}
