namespace Store.LocalHost.Explorer;

/// <summary>One point of the explorer's live charts: events per second per hub, lag per consumer group, dead letters.</summary>
public sealed record MetricsSample(
    long Sequence,
    DateTimeOffset Time,
    IReadOnlyDictionary<string, double> EventsPerSecond,
    IReadOnlyDictionary<string, long> Lag,
    long DeadLetters,
    long OpenDeadLetters);

/// <summary>
/// Samples the host every <see cref="Interval"/> and keeps the last ten minutes, so the charts have history when a page
/// opens (or reloads) and the same points in every open page. Lag is keyed "hub/consumer group", like the topology's edges.
/// </summary>
public sealed class ExplorerMetrics : IDisposable
{
    /// <summary>Time between samples.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private const int Capacity = 1200;

    private readonly LocalFunctionsHost _host;
    private readonly Func<(long Total, long Open)> _deadLetters;
    private readonly Lock _gate = new();
    private readonly Queue<MetricsSample> _samples = new();
    private readonly Timer _timer;
    private Dictionary<string, long> _lastTotals = new(StringComparer.Ordinal);
    private DateTimeOffset _lastTime;
    private long _sequence;
    private int _sampling;

    /// <summary>Starts sampling <paramref name="host"/>; <paramref name="deadLetters"/> counts all and still open dead letters.</summary>
    public ExplorerMetrics(LocalFunctionsHost host, Func<(long Total, long Open)> deadLetters)
    {
        _host = host;
        _deadLetters = deadLetters;
        Sample();
        _timer = new Timer(_ => Sample(), null, Interval, Interval);
    }

    /// <summary>The samples kept, oldest first.</summary>
    public IReadOnlyList<MetricsSample> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>The newest sample; null until the first one is taken.</summary>
    public MetricsSample? Latest
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count == 0 ? null : _samples.Last();
            }
        }
    }

    /// <summary>The lag of every consumer group on every hub it reads ("hub/group"), summed over partitions.</summary>
    public static Dictionary<string, long> LagOf(LocalFunctionsHost host)
    {
        var lag = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var trigger in host.Functions.Select(f => f.EventHub).OfType<EventHubTriggerInfo>().Where(t => host.Log.HasHub(t.Hub)))
        {
            lag[trigger.Hub + "/" + trigger.ConsumerGroup] = host.Log.PartitionIds(trigger.Hub)
                .Sum(p => host.Log.EndOf(trigger.Hub, p) - (host.Log.Checkpoint(trigger.Hub, trigger.ConsumerGroup, p) ?? 0));
        }

        return lag;
    }

    /// <summary>The sample as the page reads it (times in Unix milliseconds).</summary>
    public static JsonObject ToJson(MetricsSample s) => new()
    {
        ["seq"] = s.Sequence,
        ["t"] = s.Time.ToUnixTimeMilliseconds(),
        ["rate"] = new JsonObject(s.EventsPerSecond.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Math.Round(p.Value, 1)))),
        ["lag"] = new JsonObject(s.Lag.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["deadLetters"] = s.DeadLetters,
        ["openDeadLetters"] = s.OpenDeadLetters,
    };

    private void Sample()
    {
        // A slow sample (a large log) is skipped rather than queued behind itself.
        if (Interlocked.Exchange(ref _sampling, 1) == 1)
        {
            return;
        }

        try
        {
            var now = DateTimeOffset.UtcNow;
            var totals = _host.Log.Hubs.ToDictionary(h => h, h => _host.Log.PartitionIds(h).Sum(p => _host.Log.EndOf(h, p)), StringComparer.Ordinal);
            var seconds = _lastTime == default ? 0 : (now - _lastTime).TotalSeconds;
            var rates = totals.ToDictionary(
                t => t.Key,
                t => seconds > 0 ? Math.Max(0, t.Value - _lastTotals.GetValueOrDefault(t.Key)) / seconds : 0,
                StringComparer.Ordinal);
            var (dead, open) = _deadLetters();
            lock (_gate)
            {
                _samples.Enqueue(new MetricsSample(++_sequence, now, rates, LagOf(_host), dead, open));
                while (_samples.Count > Capacity)
                {
                    _samples.Dequeue();
                }
            }

            (_lastTotals, _lastTime) = (totals, now);
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or ObjectDisposedException)
        {
            // The host is stopping or a hub is being set up: the next tick samples again.
        }
        finally
        {
            Volatile.Write(ref _sampling, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
