using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.EventHubs.Producer;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Store.Eventing.Hosting;

namespace Infra.Tests.Support;

/// <summary>
/// Builds one function app's worker exactly as its Program.cs does (Add&lt;Context&gt;Context, then UseEventingTelemetry) over a
/// given set of app settings, and resolves everything the app creates: every function class (as the worker's activator does,
/// with ActivatorUtilities), the state TableServiceClient, one EventHubProducerClient per hub it sends to and their
/// credentials. Nothing touches the network: Azure SDK clients and credentials connect lazily.
/// It records every configuration key the code reads, so settings nobody reads are reported by name.
/// </summary>
public sealed class AppComposition
{
    /// <summary>Keys the Functions host and the platform read (never the worker's IConfiguration), independent of the app's code.</summary>
    private static readonly string[] HostKeys =
    [
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "AzureWebJobsStorage",
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        // Azure.Identity reads it from the environment (DefaultAzureCredential's managed identity), not from IConfiguration.
        "AZURE_CLIENT_ID",
    ];

    private AppComposition(string context, Assembly assembly)
    {
        Context = context;
        Assembly = assembly;
    }

    public string Context { get; }

    public Assembly Assembly { get; }

    /// <summary>The app's assembly (project functions/&lt;Context&gt;, assembly name = context) for a catalog context.</summary>
    public static AppComposition For(string context) => new(context, Assembly.Load(new AssemblyName(context)));

    /// <summary>Classes with at least one [Function] method.</summary>
    public IReadOnlyList<Type> FunctionClasses =>
        Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null)).OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();

    /// <summary>Connection setting names of the app's Event Hubs triggers (read by the Functions host's extension, not by the worker).</summary>
    public IReadOnlySet<string> TriggerConnections =>
        FunctionClasses.SelectMany(t => t.GetMethods()).SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttribute<EventHubTriggerAttribute>()?.Connection).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>Builds the app over <paramref name="settings"/> (app setting names, as Azure and local.settings.json hold them); <paramref name="inspect"/> sees its services.</summary>
    public Resolved Resolve(IReadOnlyDictionary<string, string> settings, IReadOnlySet<string> sendHubs, Action<IServiceProvider>? inspect = null)
    {
        var recorder = new RecordingSource(settings);
        var configuration = new ConfigurationBuilder().Add(recorder).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);

        var registrationType = Assembly.GetType($"Store.{Context}.{Context}Registration", throwOnError: true)!;
        var register = registrationType.GetMethod($"Add{Context}Context", BindingFlags.Public | BindingFlags.Static, [typeof(IServiceCollection), typeof(IConfiguration)])
            ?? throw new InvalidOperationException($"{registrationType} has no Add{Context}Context(IServiceCollection, IConfiguration).");
        register.Invoke(null, [services, configuration]);
        services.AddOpenTelemetry().UseEventingTelemetry(configuration, Context);

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = false });
        var table = Named(() => provider.GetRequiredService<TableServiceClient>(), "the state TableServiceClient", settings, Store.Eventing.Catalog.EventCatalog.Current.StateStorageSetting);
        var producerFactory = provider.GetRequiredService<IAzureClientFactory<EventHubProducerClient>>();
        var producers = sendHubs.Order(StringComparer.Ordinal).ToDictionary(h => h, h => producerFactory.CreateClient(h));
        // Clients first, so a bad setting is reported for the client it breaks rather than for the first function needing it.
        var functions = FunctionClasses.Select(t => ActivatorUtilities.CreateInstance(provider, t)).ToList();
        var componentFactory = provider.GetRequiredService<AzureComponentFactory>();
        var credentials = settings.Keys.Where(k => k.EndsWith("__credential", StringComparison.OrdinalIgnoreCase) || k.EndsWith("__fullyQualifiedNamespace", StringComparison.OrdinalIgnoreCase))
            .Select(k => k[..k.LastIndexOf("__", StringComparison.Ordinal)]).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(s => !s.Equals("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(s => s, s => componentFactory.CreateTokenCredential(configuration.GetSection(s)), StringComparer.OrdinalIgnoreCase);
        var telemetryCredential = EventingTelemetry.AzureMonitorCredential(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        inspect?.Invoke(provider);

        var result = new Resolved(functions.Select(f => f.GetType()).ToList(), table.Uri, producers.ToDictionary(p => p.Key, p => (p.Value.FullyQualifiedNamespace, p.Value.EventHubName)), credentials, telemetryCredential);
        foreach (var producer in producers.Values)
        {
            producer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        result.Unread = settings.Keys.Where(k => !recorder.WasRead(k) && !IsHostKey(k)).Order(StringComparer.Ordinal).ToList();
        result.HostProblems = HostProblems(settings);
        return result;
    }

    /// <summary>Client construction errors name constructor parameters ("endpoint"); this adds the app setting names in play.</summary>
    private static T Named<T>(Func<T> create, string what, IReadOnlyDictionary<string, string> settings, string section)
    {
        try
        {
            return create();
        }
        catch (InvalidOperationException ex)
        {
            var keys = settings.Keys.Where(k => k.Equals(section, StringComparison.OrdinalIgnoreCase) || k.StartsWith(section + "__", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
            throw new InvalidOperationException($"Cannot build {what} from the settings [{string.Join(", ", keys)}] (section '{section}'): {ex.Message}", ex);
        }
    }

    private bool IsHostKey(string key) =>
        HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
        || TriggerConnections.Any(c => key.Equals(c, StringComparison.OrdinalIgnoreCase)
                                       || key.Equals($"{c}__fullyQualifiedNamespace", StringComparison.OrdinalIgnoreCase)
                                       || key.Equals($"{c}__credential", StringComparison.OrdinalIgnoreCase)
                                       || key.Equals($"{c}__clientId", StringComparison.OrdinalIgnoreCase));

    /// <summary>What the Functions host itself needs before any function runs: its storage and every trigger's connection.</summary>
    private List<string> HostProblems(IReadOnlyDictionary<string, string> settings)
    {
        var problems = new List<string>();
        bool Has(string key) => settings.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v);
        if (!Has("AzureWebJobsStorage") && !Has("AzureWebJobsStorage__blobServiceUri") && !Has("AzureWebJobsStorage__accountName"))
        {
            problems.Add("missing AzureWebJobsStorage (connection string) or AzureWebJobsStorage__blobServiceUri (identity)");
        }

        foreach (var connection in TriggerConnections.Order(StringComparer.Ordinal))
        {
            if (!Has(connection) && !Has($"{connection}__fullyQualifiedNamespace"))
            {
                problems.Add($"missing {connection} (connection string) or {connection}__fullyQualifiedNamespace (identity), used by an Event Hubs trigger");
            }
        }

        return problems;
    }

    public sealed record Resolved(
        IReadOnlyList<Type> Functions,
        Uri TableEndpoint,
        IReadOnlyDictionary<string, (string Namespace, string Hub)> Producers,
        IReadOnlyDictionary<string, TokenCredential> Credentials,
        TokenCredential? TelemetryCredential)
    {
        /// <summary>Settings neither the app's code nor the Functions host reads: a typo, or a key the code does not understand.</summary>
        public IReadOnlyList<string> Unread { get; set; } = [];

        public IReadOnlyList<string> HostProblems { get; set; } = [];

        public static bool IsManagedIdentity(TokenCredential credential) => credential is ManagedIdentityCredential;
    }

    /// <summary>App settings as the worker sees them: environment variables, where "__" separates configuration sections.</summary>
    private sealed class RecordingSource(IReadOnlyDictionary<string, string> settings) : IConfigurationSource
    {
        private readonly ConcurrentDictionary<string, bool> _read = new(StringComparer.OrdinalIgnoreCase);

        public IReadOnlyDictionary<string, string> Settings { get; } = settings;

        public bool WasRead(string settingName) => _read.ContainsKey(settingName.Replace("__", ":", StringComparison.Ordinal));

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this);

        private sealed class Provider : ConfigurationProvider
        {
            private readonly RecordingSource _source;

            public Provider(RecordingSource source)
            {
                _source = source;
                foreach (var (key, value) in source.Settings)
                {
                    Data[key.Replace("__", ":", StringComparison.Ordinal)] = value;
                }
            }

            public override bool TryGet(string key, out string? value)
            {
                _source._read[key] = true;
                return base.TryGet(key, out value);
            }
        }
    }
}
