using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Messaging.EventHubs;
using Store.Eventing.Publishing;

namespace Store.LocalHost.Hosting;

/// <summary>
/// The outage faults of <see cref="FaultOptions"/>: a seeded coin per Event Hubs publish and per Table request. Each
/// context app gets a publisher wrapped by <see cref="Publisher"/> and a Table pipeline policy from <see cref="TablePolicy"/>
/// (in front of Azurite, before the SDK's own retries, so every injected failure reaches the function), so trigger, timer
/// and HTTP functions see the same outage.
/// </summary>
public sealed class FaultInjector(FaultOptions faults, int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <summary>The faults.</summary>
    public FaultOptions Faults => faults;

    /// <summary>While true, every Event Hubs publish fails (an outage of any length, for tests).</summary>
    public bool PublishOutage { get; set; }

    /// <summary>While true, every Table request fails (an outage of any length, for tests).</summary>
    public bool TableOutage { get; set; }

    /// <summary>Flips the seeded coin.</summary>
    public bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }

        lock (_gate)
        {
            return _random.NextDouble() < probability;
        }
    }

    /// <summary>The publisher of a context: fails with <see cref="FaultOptions.PublishFail"/> (or during an outage) before anything is sent.</summary>
    public IEventPublisher Publisher(IEventPublisher inner, ContextStats stats) => new FaultInjectingPublisher(this, inner, stats);

    /// <summary>The Table pipeline policy of a context: a request fails with 503 with <see cref="FaultOptions.TableFail"/>.</summary>
    public HttpPipelinePolicy TablePolicy(ContextStats stats) => new TableFaultPolicy(this, stats);

    /// <summary>A context's publisher in the local host: the embedded log behind the injected publish failures.</summary>
    public sealed class FaultInjectingPublisher(FaultInjector injector, IEventPublisher inner, ContextStats stats) : IEventPublisher
    {
        /// <summary>The publisher that appends to the log.</summary>
        public IEventPublisher Inner => inner;

        /// <inheritdoc />
        public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
        {
            if (events.Count > 0 && (injector.PublishOutage || injector.Roll(injector.Faults.PublishFail)))
            {
                stats.InjectedPublishFailure();
                throw new EventHubsException(isTransient: true, events[0].Hub, "Injected fault: the Event Hubs namespace is busy (503).", EventHubsException.FailureReason.ServiceBusy);
            }

            return inner.PublishAsync(events, cancellationToken);
        }
    }

    private sealed class TableFaultPolicy(FaultInjector injector, ContextStats stats) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Fail(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Fail(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Fail(HttpMessage message)
        {
            if (injector.TableOutage || injector.Roll(injector.Faults.TableFail))
            {
                stats.InjectedTableFailure();
                throw new RequestFailedException(503, $"Injected fault: Table storage unavailable (503) for {message.Request.Method} {message.Request.Uri.Path}.");
            }
        }
    }
}
