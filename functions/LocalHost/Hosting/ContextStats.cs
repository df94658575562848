namespace Store.LocalHost.Hosting;

/// <summary>Counters of one context, updated concurrently by its pumps and HTTP invocations.</summary>
public sealed class ContextStats(string context)
{
    private long _processed, _emitted, _deadLettered, _retried, _failed, _duplicates, _invocations, _crashes, _duplicateDeliveries;

    public string Context { get; } = context;
    public long Processed => Interlocked.Read(ref _processed);
    public long Emitted => Interlocked.Read(ref _emitted);
    public long DeadLettered => Interlocked.Read(ref _deadLettered);
    public long Retried => Interlocked.Read(ref _retried);
    public long Failed => Interlocked.Read(ref _failed);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Invocations => Interlocked.Read(ref _invocations);
    public long InjectedCrashes => Interlocked.Read(ref _crashes);
    public long InjectedDuplicates => Interlocked.Read(ref _duplicateDeliveries);

    internal void AddProcessed(long n) => Interlocked.Add(ref _processed, n);
    internal void AddEmitted(long n) => Interlocked.Add(ref _emitted, n);
    internal void AddDeadLettered(long n) => Interlocked.Add(ref _deadLettered, n);
    internal void AddDuplicates(long n) => Interlocked.Add(ref _duplicates, n);
    internal void Retry() => Interlocked.Increment(ref _retried);
    internal void Fail() => Interlocked.Increment(ref _failed);
    internal void Invoked() => Interlocked.Increment(ref _invocations);
    internal void Crash() => Interlocked.Increment(ref _crashes);
    internal void Duplicate() => Interlocked.Increment(ref _duplicateDeliveries);
}
