namespace Store.Eventing.Outbox;

/// <summary>What an invocation should do with an outbox it finds in a row.</summary>
public enum FoundOutbox
{
    /// <summary>Empty, or published by this process.</summary>
    Published,

    /// <summary>Committed by a running invocation of this process, which publishes it: keep the entries, do not publish them.</summary>
    InFlight,

    /// <summary>Not known to be published: publish it again.</summary>
    Unpublished,
}

/// <summary>
/// Invocation tokens whose outputs this process has published, and those still in flight; a row whose outbox token is
/// neither gets its outbox published again. Only a cache (see README.md).
/// </summary>
public sealed class OutboxConfirmations(int capacity = 100_000, TimeProvider? time = null)
{
    /// <summary>
    /// How long after <see cref="Begin"/> an invocation counts as in flight at most (the default Functions timeout on
    /// Flex Consumption), so a token never confirmed nor abandoned cannot hold back its outbox for ever.
    /// </summary>
    public static readonly TimeSpan InFlightLimit = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _dependsOn = new(StringComparer.Ordinal);
    private long _begun;

    private const int SweepEvery = 1024;

    /// <summary>Records that the invocation of <paramref name="token"/> is running; it will confirm or abandon it.</summary>
    public void Begin(string token)
    {
        var now = _time.GetUtcNow();
        _inFlight[token] = now;
        if (Interlocked.Increment(ref _begun) % SweepEvery == 0)
        {
            // Forget tokens past InFlightLimit (never confirmed nor abandoned) so the set stays bounded.
            foreach (var (stale, started) in _inFlight)
            {
                if (now - started >= InFlightLimit)
                {
                    Abandon(stale);
                }
            }
        }
    }

    /// <summary>Records that the invocation of <paramref name="token"/> failed before publishing.</summary>
    public void Abandon(string token)
    {
        _inFlight.TryRemove(token, out _);
        _dependsOn.TryRemove(token, out _); // never done, whatever it carried
    }

    public bool IsInFlight(string? token) =>
        token is not null && _inFlight.TryGetValue(token, out var started) && _time.GetUtcNow() - started < InFlightLimit;

    /// <summary>True when this process published the outputs of <paramref name="token"/>, carried entries included.</summary>
    public bool IsConfirmed(string? token) => token is not null && Closure(token, allowInFlight: false);

    /// <summary>Classifies an outbox the invocation <paramref name="mine"/> finds; its own (an earlier attempt's) is unpublished.</summary>
    public FoundOutbox Classify(string? found, string mine) =>
        found is null || IsConfirmed(found) ? FoundOutbox.Published
        : found != mine && Closure(found, allowInFlight: true) ? FoundOutbox.InFlight
        : FoundOutbox.Unpublished;

    /// <summary>Records that <paramref name="mine"/> keeps entries of the in-flight <paramref name="found"/>: it is confirmed only when that is.</summary>
    public void Carry(string found, string mine)
    {
        if (found != mine)
        {
            _dependsOn.GetOrAdd(mine, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(found, 0);
        }
    }

    /// <summary>Records that the outputs of <paramref name="token"/> were published.</summary>
    public void Confirm(string token)
    {
        _inFlight.TryRemove(token, out _);
        if (_tokens.TryAdd(token, 0))
        {
            _order.Enqueue(token);
            while (_order.Count > capacity && _order.TryDequeue(out var old))
            {
                _tokens.TryRemove(old, out _);
                _dependsOn.TryRemove(old, out _);
            }
        }
    }

    // True when every token in the dependency closure is confirmed (or, with allowInFlight, running). Cycles happen: two
    // concurrent invocations may each carry the other's entries on different rows.
    private bool Closure(string token, bool allowInFlight)
    {
        bool Done(string t) => _tokens.ContainsKey(t) || (allowInFlight && IsInFlight(t));

        if (!_dependsOn.ContainsKey(token))
        {
            return Done(token);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([token]);
        while (stack.TryPop(out var t))
        {
            if (!seen.Add(t))
            {
                continue;
            }

            if (!Done(t))
            {
                return false;
            }

            foreach (var dependency in _dependsOn.TryGetValue(t, out var dependencies) ? dependencies.Keys : [])
            {
                stack.Push(dependency);
            }
        }

        if (!allowInFlight)
        {
            // All published: later checks are O(1).
            foreach (var t in seen)
            {
                _dependsOn.TryRemove(t, out _);
            }
        }

        return true;
    }
}
