namespace Store.LocalHost.Functions;

/// <summary>Finds a context's functions by reflection over its <c>[Function]</c>, <c>[EventHubTrigger]</c>, <c>[HttpTrigger]</c> and retry attributes.</summary>
public static class FunctionDiscovery
{
    /// <summary>Every function in <paramref name="assembly"/>; hub names written as <c>%Setting%</c> are resolved from <paramref name="configuration"/>.</summary>
    public static IReadOnlyList<FunctionDescriptor> Discover(string context, Assembly assembly, IConfiguration? configuration = null, Func<Type, bool>? typeFilter = null)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types.Where(t => t is not null).ToArray()!;
        }

        var found = new List<FunctionDescriptor>();
        foreach (var type in types.Where(t => t.IsClass && (typeFilter?.Invoke(t) ?? true)))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                EventHubTriggerInfo? eventHub = null;
                HttpTriggerInfo? http = null;
                TimerTriggerInfo? timer = null;
                foreach (var parameter in method.GetParameters())
                {
                    if (parameter.GetCustomAttribute<EventHubTriggerAttribute>() is { } eh)
                    {
                        eventHub = new EventHubTriggerInfo(
                            Resolve(eh.EventHubName, configuration),
                            string.IsNullOrEmpty(eh.ConsumerGroup) ? "$Default" : Resolve(eh.ConsumerGroup, configuration),
                            eh.Connection,
                            eh.IsBatched,
                            parameter);
                    }
                    else if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timerTrigger)
                    {
                        timer = new TimerTriggerInfo(Resolve(timerTrigger.Schedule, configuration), timerTrigger.RunOnStartup, parameter);
                    }
                    else if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } trigger)
                    {
                        var methods = trigger.Methods is { Length: > 0 } m ? m.Select(x => x.ToUpperInvariant()).ToArray() : ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
                        http = new HttpTriggerInfo(methods, (trigger.Route ?? function.Name).Trim('/'), parameter);
                    }
                }

                found.Add(new FunctionDescriptor(context, function.Name, method, eventHub, http, RetryOf(method)) { Timer = timer });
            }
        }

        return found.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The retry policy of a function: method attribute first, then class attribute (as the worker's metadata generator does).</summary>
    public static RetryPolicy? RetryOf(MethodInfo method)
    {
        var exponential = method.GetCustomAttribute<ExponentialBackoffRetryAttribute>() ?? method.DeclaringType?.GetCustomAttribute<ExponentialBackoffRetryAttribute>();
        if (exponential is not null)
        {
            return new RetryPolicy(exponential.MaxRetryCount, ParseInterval(exponential.MinimumInterval), ParseInterval(exponential.MaximumInterval), Exponential: true);
        }

        var fixedDelay = method.GetCustomAttribute<FixedDelayRetryAttribute>() ?? method.DeclaringType?.GetCustomAttribute<FixedDelayRetryAttribute>();
        if (fixedDelay is not null)
        {
            var delay = ParseInterval(fixedDelay.DelayInterval);
            return new RetryPolicy(fixedDelay.MaxRetryCount, delay, delay, Exponential: false);
        }

        return null;
    }

    private static TimeSpan ParseInterval(string? value) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) ? span : TimeSpan.Zero;

    private static string Resolve(string value, IConfiguration? configuration) =>
        value.Length > 2 && value[0] == '%' && value[^1] == '%' && configuration?[value[1..^1]] is { Length: > 0 } resolved ? resolved : value;
}
