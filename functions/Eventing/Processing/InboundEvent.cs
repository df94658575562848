namespace Store.Eventing.Processing;

/// <summary>Where an event sits in its stream.</summary>
public readonly record struct EventPosition(string Hub, string PartitionId, long SequenceNumber, string Offset, DateTimeOffset EnqueuedTime)
{
    /// <summary>"hub/partition": the key of per-source-partition bookkeeping.</summary>
    public string Source => Hub + "/" + PartitionId;
}

/// <summary>A decoded event with its stream position and the raw input (kept for dead-lettering).</summary>
public sealed record InboundEvent(DecodedEvent Event, EventPosition Position, RawEvent Raw)
{
    public T DataAs<T>() => (T)Event.Data;
}

/// <summary>What the trigger tells about the batch; RetryCount is 0 on the first attempt (from the function's retry context).</summary>
public sealed record TriggerContext(string Context, string Hub, string ConsumerGroup, string PartitionId, int RetryCount = 0);
