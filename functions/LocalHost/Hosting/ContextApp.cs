using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Store.LocalHost.Hosting;

/// <summary>How the local host builds one context: its name, the assembly holding its functions and its own registration method.</summary>
public sealed record ContextRegistration(string Name, Assembly Assembly, Func<IServiceCollection, IConfiguration, IServiceCollection> Register)
{
    /// <summary>Limits discovery to some types of the assembly (null: every type); lets tests host small probe apps.</summary>
    public Func<Type, bool>? TypeFilter { get; init; }

    /// <summary>The catalog's contexts, each registered exactly as its Program.cs does (found by <see cref="ContextDiscovery"/>).</summary>
    public static IReadOnlyList<ContextRegistration> All { get; } = ContextDiscovery.FromCatalog(EventCatalog.Current);
}

/// <summary>One function app: its own DI container (built by its registration, with the publisher swapped for the embedded log) and its functions.</summary>
public sealed class ContextApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _hosted = [];

    private ContextApp(string name, ServiceProvider services, IReadOnlyList<FunctionDescriptor> functions)
    {
        Name = name;
        _services = services;
        Functions = functions;
    }

    /// <summary>The context name.</summary>
    public string Name { get; }

    /// <summary>The app's services (what <c>FunctionContext.InstanceServices</c> is scoped from).</summary>
    public IServiceProvider Services => _services;

    /// <summary>The app's functions.</summary>
    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    /// <summary>
    /// Builds the app: calls its Add&lt;Context&gt;Context(services, configuration), then replaces the kit's Event Hubs
    /// publisher with <paramref name="publisher"/>, and starts any hosted services it registered.
    /// </summary>
    public static Task<ContextApp> StartAsync(ContextRegistration registration, IConfiguration configuration, IEventPublisher publisher, Action<IServiceCollection>? configure, CancellationToken ct) =>
        StartAsync(registration, configuration, _ => publisher, configure, ct);

    /// <summary>As above, with the publisher built from the app's own services (the kit's Event Hubs publisher needs them).</summary>
    public static async Task<ContextApp> StartAsync(ContextRegistration registration, IConfiguration configuration, Func<IServiceProvider, IEventPublisher> publisher, Action<IServiceCollection>? configure, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        configure?.Invoke(services);
        registration.Register(services, configuration);
        services.RemoveAll<IEventPublisher>();
        services.AddSingleton<IEventPublisher>(publisher);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var app = new ContextApp(registration.Name, provider, FunctionDiscovery.Discover(registration.Name, registration.Assembly, configuration, registration.TypeFilter));
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(ct).ConfigureAwait(false);
            app._hosted.Add(hosted);
        }

        return app;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await _services.DisposeAsync().ConfigureAwait(false);
    }
}
