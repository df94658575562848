namespace Store.LocalHost.Hosting;

/// <summary>Counters of one context, updated concurrently by its pumps and HTTP invocations.</summary>
public sealed class ContextStats(string context)
{
    private long _processed, _emitted, _deadLettered, _retried, _failed, _duplicates, _invocations, _crashes, _duplicateDeliveries, _publishFailures, _tableFailures, _relayed, _relayedAlsoLive, _relayRuns;

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
    public long InjectedPublishFailures => Interlocked.Read(ref _publishFailures);
    public long InjectedTableFailures => Interlocked.Read(ref _tableFailures);

    /// <summary>Events the outbox relay published (timer invocations).</summary>
    public long RelayPublished => Interlocked.Read(ref _relayed);

    /// <summary>Of <see cref="RelayPublished"/>, events a live invocation also published (same id): the relay/live duplicates.</summary>
    public long RelayAlsoPublishedLive => Interlocked.Read(ref _relayedAlsoLive);

    /// <summary>Timer (relay) invocations.</summary>
    public long RelayRuns => Interlocked.Read(ref _relayRuns);

    internal void AddProcessed(long n) => Interlocked.Add(ref _processed, n);
    internal void AddEmitted(long n) => Interlocked.Add(ref _emitted, n);
    internal void AddDeadLettered(long n) => Interlocked.Add(ref _deadLettered, n);
    internal void AddDuplicates(long n) => Interlocked.Add(ref _duplicates, n);
    internal void Retry() => Interlocked.Increment(ref _retried);
    internal void Fail() => Interlocked.Increment(ref _failed);
    internal void Invoked() => Interlocked.Increment(ref _invocations);
    internal void Crash() => Interlocked.Increment(ref _crashes);
    internal void Duplicate() => Interlocked.Increment(ref _duplicateDeliveries);
    internal void InjectedPublishFailure() => Interlocked.Increment(ref _publishFailures);
    internal void InjectedTableFailure() => Interlocked.Increment(ref _tableFailures);
    internal void AddRelayed(long n) => Interlocked.Add(ref _relayed, n);
    internal void AddRelayedAlsoLive(long n) => Interlocked.Add(ref _relayedAlsoLive, n);
    internal void RelayRun() => Interlocked.Increment(ref _relayRuns);

    private long _tableReads, _tableQueries, _tableTransactions, _tableOther, _tableEntities;

    /// <summary>Operations inside Table transactions (counted only with <see cref="LocalHostOptions.CountTableEntities"/>).</summary>
    public long TableEntities => Interlocked.Read(ref _tableEntities);

    /// <summary>Table requests that reached Azurite: point reads, queries, entity-group transactions, other (create table, single writes).</summary>
    public (long Reads, long Queries, long Transactions, long Other) TableRequests =>
        (Interlocked.Read(ref _tableReads), Interlocked.Read(ref _tableQueries), Interlocked.Read(ref _tableTransactions), Interlocked.Read(ref _tableOther));

    internal void TableRequest(Azure.Core.Request request, bool countEntities)
    {
        var path = request.Uri.Path;
        if (path.EndsWith("$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _tableTransactions);
            Interlocked.Add(ref _tableEntities, countEntities ? OperationsIn(request) : 0);
            return;
        }

        // A point read or a single-entity write touches one entity; a query or a table operation is counted as none.
        var single = path.EndsWith(')');
        Interlocked.Add(ref _tableEntities, single ? 1 : 0);
        if (request.Method != Azure.Core.RequestMethod.Get)
        {
            Interlocked.Increment(ref _tableOther);
        }
        else if (single)
        {
            Interlocked.Increment(ref _tableReads);
        }
        else
        {
            Interlocked.Increment(ref _tableQueries);
        }
    }

    // Each operation of a changeset is one application/http part of the multipart body.
    private static int OperationsIn(Azure.Core.Request request)
    {
        if (request.Content is not { } content)
        {
            return 0;
        }

        using var body = new MemoryStream();
        content.WriteTo(body, CancellationToken.None);
        var text = System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        var count = 0;
        for (var i = text.IndexOf("application/http", StringComparison.Ordinal); i >= 0; i = text.IndexOf("application/http", i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
