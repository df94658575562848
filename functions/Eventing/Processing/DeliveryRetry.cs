namespace Store.Eventing.Processing;

/// <summary>
/// The one retry policy of every Event Hubs trigger:
/// <c>[ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]</c>.
/// </summary>
/// <remarks>Retry until the batch succeeds (see README.md).</remarks>
public static class DeliveryRetry
{
    public const int MaxRetryCount = -1;

    /// <summary>The first retry waits 2 seconds; the delay doubles per retry.</summary>
    public const string MinimumInterval = "00:00:02";

    /// <summary>Capped at 5 minutes between attempts, so a partition resumes at most 5 minutes after the outage ends.</summary>
    public const string MaximumInterval = "00:05:00";
}
