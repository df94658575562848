namespace Store.LocalHost.Hosting;

/// <summary>Paused consumers: a stalled consumer on purpose (the explorer's pause button, tests of lag).</summary>
public sealed partial class LocalFunctionsHost
{
    private readonly ConcurrentDictionary<string, bool> _paused = new(StringComparer.Ordinal);

    /// <summary>The Event Hubs functions whose pumps deliver nothing until resumed (their lag grows as events arrive).</summary>
    public IReadOnlyCollection<string> PausedFunctions => [.. _paused.Keys];

    /// <summary>Stops delivering to an Event Hubs function after its batch in flight; false when no such function exists.</summary>
    public bool PauseConsumer(string function)
    {
        if (!Functions.Any(f => f.Name == function && f.EventHub is not null))
        {
            return false;
        }

        _paused[function] = true;
        return true;
    }

    /// <summary>Resumes a paused function from its checkpoint; false when no such function exists.</summary>
    public bool ResumeConsumer(string function)
    {
        _paused.TryRemove(function, out _);
        return Functions.Any(f => f.Name == function && f.EventHub is not null);
    }

    /// <summary>True while the function is paused.</summary>
    public bool IsPaused(string function) => _paused.ContainsKey(function);
}
