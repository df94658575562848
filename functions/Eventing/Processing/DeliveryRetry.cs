namespace Store.Eventing.Processing;

/// <summary>
/// The one retry policy of every Event Hubs trigger:
/// <c>[ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]</c>.
/// </summary>
/// <remarks>
/// <para>
/// Retry until the batch succeeds. Only transient infrastructure failures reach the retry policy (Table storage or Event
/// Hubs unavailable, throttling, optimistic-concurrency races lost too often): bad data and rule violations are
/// dead-lettered inside the batch by <see cref="EventBatchHandler"/>. The Functions host re-invokes the function with the
/// same batch and checkpoints only after an invocation that did not throw, so an outage of any length delays the partition
/// and loses nothing. A finite count (formerly 5, about ten minutes with this backoff) made the host checkpoint past the
/// batch when the outage outlasted it, and those events were never applied.
/// </para>
/// <para>
/// Trade-off: a bug that throws from outside the per-event boundary (or an event whose outputs can never be published)
/// blocks its partition until the code is fixed or an operator sets
/// <c>Eventing:DeadLetterAfterAttempts:&lt;Context&gt;</c> (see <see cref="DeliveryOptions"/>). A blocked partition is
/// logged at every attempt with its hub and partition and shows as consumer lag.
/// </para>
/// <para>
/// <c>-1</c> means "retry indefinitely" for the Functions host's function-level retry policies (the host's
/// <c>RetryAttribute</c>: "use -1 for infinite retries"; the isolated worker copies the attribute's value into the
/// function metadata unchanged).
/// </para>
/// </remarks>
public static class DeliveryRetry
{
    public const int MaxRetryCount = -1;

    /// <summary>The first retry waits 2 seconds; the delay doubles per retry.</summary>
    public const string MinimumInterval = "00:00:02";

    /// <summary>Capped at 5 minutes between attempts, so a partition resumes at most 5 minutes after the outage ends.</summary>
    public const string MaximumInterval = "00:05:00";
}
