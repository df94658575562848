using System.Net.Sockets;

namespace Store.Eventing.Processing;

/// <summary>Separates transient infrastructure failures (retry the batch) from everything else (dead-letter the event).</summary>
public static class TransientFailures
{
    /// <summary>True for Table/Event Hubs unavailability, 5xx, throttling, timeouts and network errors.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException rfe => rfe.Status is 0 or 408 or 429 or >= 500,
        EventHubsException ehe => ehe.IsTransient || ehe.Reason is EventHubsException.FailureReason.ServiceBusy or EventHubsException.FailureReason.ServiceTimeout or EventHubsException.FailureReason.ServiceCommunicationProblem,
        TimeoutException or HttpRequestException or SocketException or IOException => true,
        ConcurrencyConflictException => true,
        AggregateException agg => agg.InnerExceptions.Count > 0 && agg.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is not null && IsTransient(exception.InnerException),
    };
}

/// <summary>Optimistic concurrency lost too many times in a row: retry the batch later.</summary>
public class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A transaction tried to mark events applied that its rows had applied before (see <see cref="AppliedMarks"/>); it
/// committed nothing. The caller drops those events for those rows and commits again.
/// </summary>
public sealed class EventsAlreadyAppliedException(string message, IReadOnlyCollection<AppliedMark> marks, Exception? inner = null) : ConcurrencyConflictException(message, inner)
{
    /// <summary>The marks found (at least the one the transaction failed on).</summary>
    public IReadOnlyCollection<AppliedMark> Marks { get; } = marks;
}

/// <summary>Valid data that breaks a business rule; the event is dead-lettered with this message.</summary>
public sealed class RuleViolationException(string message) : Exception(message);
