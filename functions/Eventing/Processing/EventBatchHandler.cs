using Store.Eventing.Hosting;

namespace Store.Eventing.Processing;

/// <summary>The per-event error boundary around a context's batch logic: bad data is dead-lettered, transient failures propagate (see README.md).</summary>
public sealed partial class EventBatchHandler(
    CloudEventCodec codec,
    DeadLetterWriter deadLetters,
    OutputEncoder encoder,
    EventOutbox outbox,
    EventingMetrics metrics,
    TimeProvider time,
    ILogger<EventBatchHandler> logger,
    DeliveryOptions? delivery = null)
{
    private readonly DeliveryOptions _delivery = delivery ?? DeliveryOptions.Default;

    public string Context => deadLetters.Context;

    /// <summary>Decodes the batch, runs <paramref name="process"/> on the decodable events, publishes outputs and dead letters.</summary>
    public async Task<BatchOutcome> HandleAsync(
        IReadOnlyList<EventData> events,
        TriggerContext trigger,
        Func<IReadOnlyList<InboundEvent>, CancellationToken, Task<ProcessResult>> process,
        CancellationToken ct)
    {
        using var activity = SetMessagingTags(EventingMetrics.ActivitySource.StartActivity($"{trigger.Context} process {trigger.Hub}", ActivityKind.Consumer), trigger);
        activity?.SetTag("messaging.destination.partition.id", trigger.PartitionId);
        activity?.SetTag("messaging.batch.message_count", events.Count);

        var tags = new TagList { { "context", trigger.Context }, { "hub", trigger.Hub } };
        metrics.BatchSize.Record(events.Count, tags);
        var now = time.GetUtcNow();

        var inbound = new List<InboundEvent>(events.Count);
        var failed = new List<OutgoingEvent>();
        var skipped = 0;
        foreach (var data in events)
        {
            var raw = new RawEvent(data.EventBody.ToMemory(), data.Properties, trigger.Hub, trigger.PartitionId, data.OffsetString ?? "", data.SequenceNumber, data.EnqueuedTime);
            metrics.Lag.Record((now - data.EnqueuedTime).TotalMilliseconds, tags);
            var result = codec.Decode(raw.Body);
            if (result.Event is { } decoded)
            {
                inbound.Add(new InboundEvent(decoded, new EventPosition(trigger.Hub, trigger.PartitionId, data.SequenceNumber, raw.Offset, data.EnqueuedTime), raw));
                if (decoded.TraceParent is not null && activity is not null && ActivityContext.TryParse(decoded.TraceParent, null, out var link))
                {
                    activity.AddLink(new ActivityLink(link));
                }
            }
            else if (result.Error is { } error)
            {
                failed.Add(DeadLetterLogged(trigger, raw, error, null));
            }
            else
            {
                skipped++;
            }
        }

        var processingStarted = time.GetUtcNow();
        List<ProcessResult> results;
        List<OutgoingEvent> outputs;
        try
        {
            (results, var processFailed) = await ProcessWithFallbackAsync(inbound, trigger, process, ct).ConfigureAwait(false);
            RecordEventSpans(inbound, trigger, processingStarted);
            outputs = [.. failed, .. processFailed, .. results.SelectMany(r => r.Outputs)];

            // Published after the state commit; a failure here throws, the batch is retried and the outbox is published again.
            await outbox.PublishAsync(outputs, [.. results.Select(r => r.OutboxToken).OfType<string>()], ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex) && !ct.IsCancellationRequested)
        {
            Blocked(trigger, events, ex);
            throw;
        }

        foreach (var result in results.Where(r => r.ClearPublished is not null && outbox.IsPublished(r.OutboxToken)))
        {
            await outbox.ClearAsync(result.ClearPublished!, $"{trigger.Hub}/{trigger.PartitionId} in {trigger.Context}", ct).ConfigureAwait(false);
        }

        var deadLettered = outputs.Count(o => o.Hub == deadLetters.Hub);
        var outcome = new BatchOutcome
        {
            Received = events.Count,
            Processed = results.Sum(r => r.Applied),
            Emitted = outputs.Count - deadLettered,
            DeadLettered = deadLettered,
            Duplicates = results.Sum(r => r.Duplicates),
            Ignored = skipped + results.Sum(r => r.Ignored),
            Conflicts = results.Sum(r => r.Conflicts),
        };
        metrics.Processed.Add(outcome.Processed, tags);
        metrics.Emitted.Add(outcome.Emitted, tags);
        metrics.DeadLettered.Add(outcome.DeadLettered, tags);
        metrics.Duplicates.Add(outcome.Duplicates, tags);
        LogBatch(logger, trigger.Context, trigger.Hub, trigger.PartitionId, outcome.Received, outcome.Processed, outcome.Emitted, outcome.DeadLettered, outcome.Duplicates);
        return outcome;
    }

    /// <summary>
    /// The call of every Event Hubs trigger function: <c>handler.HandleAsync(events, context, processor.ProcessAsync, ct)</c>.
    /// Hub, consumer group and partition come from the trigger (see <see cref="Hosting.FunctionContextExtensions.EventHubTrigger(FunctionContext, string)"/>).
    /// </summary>
    public Task<BatchOutcome> HandleAsync(
        IReadOnlyList<EventData> events,
        FunctionContext function,
        Func<IReadOnlyList<InboundEvent>, CancellationToken, Task<ProcessResult>> process,
        CancellationToken ct) =>
        HandleAsync(events, function.EventHubTrigger(Context), process, ct);

    /// <summary>
    /// Runs a stateless reaction: each decodable event maps to outputs, a rule violation or "not mine" (counted as
    /// ignored), with no state.
    /// </summary>
    public Task<BatchOutcome> ReactAsync(IReadOnlyList<EventData> events, FunctionContext function, Func<InboundEvent, Reaction> react, CancellationToken ct) =>
        ReactAsync(events, function.EventHubTrigger(Context), react, ct);

    /// <inheritdoc cref="ReactAsync(IReadOnlyList{EventData}, FunctionContext, Func{InboundEvent, Reaction}, CancellationToken)"/>
    public Task<BatchOutcome> ReactAsync(IReadOnlyList<EventData> events, TriggerContext trigger, Func<InboundEvent, Reaction> react, CancellationToken ct) =>
        HandleAsync(events, trigger, (inbound, _) =>
        {
            var reactions = inbound.Select(e => (Event: e, Reaction: react(e))).ToList();
            return Task.FromResult(new ProcessResult
            {
                Outputs = [.. reactions.SelectMany(r => r.Reaction.Rejection is { } error
                    ? [DeadLetter(r.Event, trigger.ConsumerGroup, error)]
                    : encoder.Encode(r.Reaction.Outputs, r.Event))],
                Applied = reactions.Count(r => r.Reaction.IsMine && r.Reaction.Rejection is null),
                Rejected = reactions.Count(r => r.Reaction.Rejection is not null),
                Ignored = reactions.Count(r => !r.Reaction.IsMine),
            });
        }, ct);

    /// <summary>Builds the dead letter of an inbound event for this context (used by stateful processors for rule violations).</summary>
    public OutgoingEvent DeadLetter(InboundEvent e, string consumerGroup, DataError error) =>
        deadLetters.Create(e.Raw, consumerGroup, error, e.Event.TraceParent);

    /// <summary>One consumer span per event, child of the trace context it carries, covering the batch's processing time.</summary>
    private void RecordEventSpans(List<InboundEvent> inbound, TriggerContext trigger, DateTimeOffset started)
    {
        if (!EventingMetrics.ActivitySource.HasListeners())
        {
            return;
        }

        var ended = time.GetUtcNow();
        foreach (var e in inbound)
        {
            if (e.Event.TraceParent is null || !ActivityContext.TryParse(e.Event.TraceParent, null, out var parent))
            {
                continue;
            }

            using var span = SetMessagingTags(EventingMetrics.ActivitySource.StartActivity($"{trigger.Context} process {e.Event.Type}", ActivityKind.Consumer, parent, startTime: started), trigger);
            span?.SetTag("messaging.message.id", e.Event.Id);
            span?.SetTag("cloudevents.event_type", e.Event.Type);
            span?.SetTag("cloudevents.event_subject", e.Event.Subject);
            span?.SetTag("store.context", trigger.Context);
            span?.SetEndTime(ended.UtcDateTime);
        }
    }

    private static Activity? SetMessagingTags(Activity? activity, TriggerContext trigger) => activity?
        .SetTag("messaging.system", "eventhubs")
        .SetTag("messaging.destination.name", trigger.Hub)
        .SetTag("messaging.consumer.group.name", trigger.ConsumerGroup);

    private async Task<(List<ProcessResult> Results, List<OutgoingEvent> Failed)> ProcessWithFallbackAsync(
        List<InboundEvent> inbound,
        TriggerContext trigger,
        Func<IReadOnlyList<InboundEvent>, CancellationToken, Task<ProcessResult>> process,
        CancellationToken ct)
    {
        if (inbound.Count == 0)
        {
            return ([], []);
        }

        var givingUp = _delivery.GivesUp(trigger.RetryCount);
        if (givingUp)
        {
            // The operator's way out of a blocked partition: every event that still fails is dead-lettered below.
            LogGivingUp(logger, trigger.Context, trigger.Hub, trigger.PartitionId, trigger.RetryCount + 1, _delivery.DeadLetterAfterAttempts);
        }
        else
        {
            try
            {
                return ([await process(inbound, ct).ConfigureAwait(false)], []);
            }
            catch (Exception ex) when (!TransientFailures.IsTransient(ex) && ex is not OperationCanceledException)
            {
                // A bug or an unexpected event somewhere in the batch: isolate it by processing one event at a time.
                LogBatchFallback(logger, ex, trigger.Context, trigger.Hub, trigger.PartitionId);
            }
        }

        var results = new List<ProcessResult>();
        var failed = new List<OutgoingEvent>();
        foreach (var e in inbound)
        {
            try
            {
                results.Add(await process([e], ct).ConfigureAwait(false));
            }
            catch (Exception ex) when ((givingUp || !TransientFailures.IsTransient(ex)) && ex is not OperationCanceledException)
            {
                var message = givingUp && TransientFailures.IsTransient(ex)
                    ? $"Gave up on attempt {trigger.RetryCount + 1} ({DeliveryOptions.DeadLetterAfterAttemptsSetting}:{trigger.Context} = {_delivery.DeadLetterAfterAttempts}): {ex.GetType().Name}: {ex.Message}"
                    : $"{ex.GetType().Name}: {ex.Message}";
                var error = new DataError(ex is RuleViolationException ? DataErrorKind.RuleViolation : DataErrorKind.Unexpected, message);
                failed.Add(DeadLetterLogged(trigger, e.Raw, error, e.Event.TraceParent));
            }
        }

        return (results, failed);
    }

    private OutgoingEvent DeadLetterLogged(TriggerContext trigger, RawEvent raw, DataError error, string? traceParent)
    {
        LogDeadLetter(logger, trigger.Context, trigger.Hub, trigger.PartitionId, raw.SequenceNumber, error.KindName, error.Message);
        return deadLetters.Create(raw, trigger.ConsumerGroup, error, traceParent);
    }

    private void Blocked(TriggerContext trigger, IReadOnlyList<EventData> events, Exception ex)
    {
        metrics.BlockedAttempts.Add(1, new TagList { { "context", trigger.Context }, { "hub", trigger.Hub }, { "partition", trigger.PartitionId } });
        LogBlocked(logger, ex, trigger.Context, trigger.Hub, trigger.PartitionId, trigger.RetryCount + 1,
            events.Count == 0 ? -1 : events[0].SequenceNumber, events.Count == 0 ? -1 : events[^1].SequenceNumber, ex.GetType().Name, ex.Message);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Context} partition {Hub}/{PartitionId} is blocked: attempt {Attempt} of the batch at sequence {FirstSequence}..{LastSequence} failed transiently ({ExceptionType}: {ExceptionMessage}); the checkpoint stays and the batch is retried until it succeeds")]
    private static partial void LogBlocked(ILogger logger, Exception exception, string context, string hub, string partitionId, int attempt, long firstSequence, long lastSequence, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Context} gives up on the blocking events of {Hub}/{PartitionId} on attempt {Attempt} (DeadLetterAfterAttempts = {Limit}): events that still fail are dead-lettered")]
    private static partial void LogGivingUp(ILogger logger, string context, string hub, string partitionId, int attempt, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Context} dead-lettered {Hub}/{PartitionId}#{SequenceNumber}: {ErrorKind}: {ErrorMessage}")]
    private static partial void LogDeadLetter(ILogger logger, string context, string hub, string partitionId, long sequenceNumber, string errorKind, string errorMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Context} processed {Hub}/{PartitionId}: received {Received}, applied {Processed}, emitted {Emitted}, dead-lettered {DeadLettered}, duplicates {Duplicates}")]
    private static partial void LogBatch(ILogger logger, string context, string hub, string partitionId, int received, int processed, int emitted, int deadLettered, int duplicates);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Context} batch from {Hub}/{PartitionId} failed; retrying event by event to isolate the failing events")]
    private static partial void LogBatchFallback(ILogger logger, Exception exception, string context, string hub, string partitionId);
}
