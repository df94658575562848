// Offline build mode only: this declaration mirrors the public surface of
// Microsoft.Azure.Functions.Worker.Extensions.EventHubs so that function code written against the
// official API compiles, and the worker SDK emits the same function metadata, when the package feed
// does not serve the extension. It carries metadata only: no input converter is registered, so a real
// Functions host needs the official package (the build picks it whenever the feed serves it).
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// <summary>Marks a function that is triggered by Event Hubs events (offline declaration of the official attribute).</summary>
[BindingCapabilities(KnownBindingCapabilities.FunctionLevelRetry)]
public sealed class EventHubTriggerAttribute : TriggerBindingAttribute, ISupportCardinality
{
    private bool _isBatched = true;

    /// <summary>Creates the attribute for the named event hub.</summary>
    public EventHubTriggerAttribute(string eventHubName) => EventHubName = eventHubName;

    /// <summary>Name of the event hub (or an app-setting expression such as <c>%HubName%</c>).</summary>
    public string EventHubName { get; private set; }

    /// <summary>Consumer group; <c>$Default</c> when missing.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>App setting (prefix) that holds the connection: a connection string or <c>__fullyQualifiedNamespace</c>.</summary>
    public string? Connection { get; set; }

    /// <summary>Whether the function receives a batch (<c>EventData[]</c>). Defaults to true.</summary>
    [DefaultValue(true)]
    public bool IsBatched
    {
        get => _isBatched;
        set => _isBatched = value;
    }

    Cardinality ISupportCardinality.Cardinality
    {
        get => _isBatched ? Cardinality.Many : Cardinality.One;
        set => _isBatched = value == Cardinality.Many;
    }
}
