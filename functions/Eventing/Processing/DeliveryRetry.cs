namespace Store.Eventing.Processing;

/// <summary>
/// The one retry policy of every Event Hubs trigger:
/// <c>[ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]</c>.
/// </summary>
/// <remarks>
/// Retry until the batch succeeds: only transient failures reach this policy (bad data and rule violations are
/// dead-lettered inside the batch), and the host checkpoints only after an invocation that did not throw, so an outage of
/// any length delays the partition and loses nothing (a finite count checkpointed past batches it gave up on).
/// Trade-off: a bug outside the per-event boundary, or outputs that can never be published, blocks the partition (logged
/// at every attempt, visible as lag) until fixed or an operator sets <see cref="DeliveryOptions"/>. <c>-1</c> is the host's
/// "retry indefinitely" (<c>RetryAttribute</c>; the isolated worker copies the value into the function metadata unchanged).
/// </remarks>
public static class DeliveryRetry
{
    public const int MaxRetryCount = -1;

    /// <summary>The first retry waits 2 seconds; the delay doubles per retry.</summary>
    public const string MinimumInterval = "00:00:02";

    /// <summary>Capped at 5 minutes between attempts, so a partition resumes at most 5 minutes after the outage ends.</summary>
    public const string MaximumInterval = "00:05:00";
}
