namespace Store.Eventing.Processing;

/// <summary>The one policy for lost ETag races: re-read, re-decide and try again after a short random pause (see README.md).</summary>
public static class ConflictRetry
{
    public const int MaxRetries = 8;

    /// <summary>Retries where every batch of a process contends for the same rows (Inventory's stock partition).</summary>
    public const int HotRowRetries = 40;

    /// <summary>Waits 2 ms up to 10 ms per attempt so far (at most 200 ms), random so that racing writers spread out.</summary>
    public static Task BackOffAsync(int attempt, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10 * Math.Min(attempt + 1, 20))), ct);
}
