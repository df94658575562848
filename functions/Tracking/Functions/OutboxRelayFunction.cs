namespace Store.Tracking.Functions;

/// <summary>Tracking's outbox relay timer (see <see cref="OutboxRelay"/>); the function must be declared in the app for its metadata.</summary>
public sealed class OutboxRelayFunction(OutboxRelay relay)
{
    [Function("Tracking_RelayOutbox")]
    public Task<OutboxRelayOutcome> Run([TimerTrigger(OutboxRelay.Schedule)] TimerInfo timer, CancellationToken ct) => relay.RunAsync("Tracking", ct);
}
