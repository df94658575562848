namespace Store.LocalHost.Functions;

/// <summary>The Event Hubs trigger of a function, as declared by its <c>[EventHubTrigger]</c> parameter.</summary>
public sealed record EventHubTriggerInfo(string Hub, string ConsumerGroup, string? Connection, bool IsBatched, ParameterInfo Parameter);

/// <summary>The HTTP trigger of a function, as declared by its <c>[HttpTrigger]</c> parameter; the served path is "api/" + route.</summary>
public sealed record HttpTriggerInfo(IReadOnlyList<string> Methods, string Route, ParameterInfo Parameter);

/// <summary>The timer trigger of a function, as declared by its <c>[TimerTrigger]</c> parameter (NCRONTAB schedule).</summary>
public sealed record TimerTriggerInfo(string Schedule, bool RunOnStartup, ParameterInfo Parameter);

/// <summary>A function retry policy from <c>[ExponentialBackoffRetry]</c> or <c>[FixedDelayRetry]</c>.</summary>
public sealed record RetryPolicy(int MaxRetryCount, TimeSpan MinimumInterval, TimeSpan MaximumInterval, bool Exponential)
{
    /// <summary>The delay before retry number <paramref name="retry"/> (1-based), as the Functions host computes it.</summary>
    public TimeSpan DelayBefore(int retry)
    {
        if (!Exponential)
        {
            return MinimumInterval;
        }

        var ticks = MinimumInterval.Ticks * Math.Pow(2, Math.Max(0, retry - 1));
        return ticks >= MaximumInterval.Ticks ? MaximumInterval : TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>A discovered <c>[Function]</c> method of one context.</summary>
public sealed record FunctionDescriptor(
    string Context,
    string Name,
    MethodInfo Method,
    EventHubTriggerInfo? EventHub,
    HttpTriggerInfo? Http,
    RetryPolicy? Retry)
{
    /// <summary>The timer trigger, when the function has one.</summary>
    public TimerTriggerInfo? Timer { get; init; }

    /// <summary>True when the policy retries without limit (<c>maxRetryCount</c> -1).</summary>
    public bool RetriesIndefinitely => Retry is { MaxRetryCount: < 0 };

    /// <summary>A readable one-line description.</summary>
    public override string ToString() =>
        EventHub is { } eh ? $"{Name} <- {eh.Hub} [{eh.ConsumerGroup}]{(Retry is null ? "" : Retry.MaxRetryCount < 0 ? " retry until success" : $" retry {Retry.MaxRetryCount}x")}"
        : Timer is { } timer ? $"{Name} timer '{timer.Schedule}'"
        : Http is { } http ? $"{Name} {string.Join('|', http.Methods).ToUpperInvariant()} /api/{http.Route}"
        : Name;
}
