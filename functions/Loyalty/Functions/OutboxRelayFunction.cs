namespace Store.Loyalty.Functions;

/// <summary>Loyalty's outbox relay timer (see <see cref="OutboxRelay"/>); the function must be declared in the app for its metadata.</summary>
public sealed class OutboxRelayFunction(OutboxRelay relay)
{
    [Function("Loyalty_RelayOutbox")]
    public Task<OutboxRelayOutcome> Run([TimerTrigger(OutboxRelay.Schedule)] TimerInfo timer, CancellationToken ct) => relay.RunAsync("Loyalty", ct);
}
