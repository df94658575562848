using System.Collections.Concurrent;

namespace Store.Eventing.State;

/// <summary>
/// Invocation tokens whose outputs this process has published. A state entity whose outbox token is not here
/// (another instance wrote it, or this process crashed before publishing) gets its outbox published again:
/// outputs are never lost, and duplicates carry the same ids, which consumers drop.
/// </summary>
/// <remarks>Only a cache: losing it (restart, scale-out) costs a harmless re-publish, never correctness.</remarks>
public sealed class OutboxConfirmations(int capacity = 100_000)
{
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>True when this process published the outputs of <paramref name="token"/>.</summary>
    public bool IsConfirmed(string? token) => token is not null && _tokens.ContainsKey(token);

    /// <summary>Records that the outputs of <paramref name="token"/> were published.</summary>
    public void Confirm(string token)
    {
        if (_tokens.TryAdd(token, 0))
        {
            _order.Enqueue(token);
            while (_order.Count > capacity && _order.TryDequeue(out var old))
            {
                _tokens.TryRemove(old, out _);
            }
        }
    }
}
