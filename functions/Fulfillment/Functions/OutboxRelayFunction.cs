using Microsoft.Azure.Functions.Worker;
using Store.Eventing.Publishing;

namespace Store.Fulfillment.Functions;

/// <summary>Fulfillment's outbox relay: publishes outboxes pending longer than the threshold (see <see cref="OutboxRelay"/>).</summary>
public sealed class OutboxRelayFunction(OutboxRelay relay)
{
    [Function("Fulfillment_RelayOutbox")]
    public Task<OutboxRelayOutcome> Run([TimerTrigger(OutboxRelay.Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        relay.RunAsync("Fulfillment", cancellationToken);
}
