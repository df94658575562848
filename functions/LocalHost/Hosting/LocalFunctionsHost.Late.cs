namespace Store.LocalHost.Hosting;

/// <summary>Late contexts: consumers held back until the others have caught up (replay <c>--start-late</c>, the demo's Loyalty).</summary>
public sealed partial class LocalFunctionsHost
{
    private volatile IReadOnlySet<string> _heldBack = new HashSet<string>();

    /// <summary>
    /// Contexts whose Event Hubs consumers <see cref="DrainAsync"/> skips for now (their timers still run). Clear it to let
    /// them start: with no checkpoint they read from the start of each partition, the archive first when retention moved
    /// events there (<see cref="EventLog.EventStreamLog.Read"/>).
    /// </summary>
    public IReadOnlySet<string> HeldBack
    {
        get => _heldBack;
        set => _heldBack = value;
    }
}
