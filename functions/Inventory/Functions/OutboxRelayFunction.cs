namespace Store.Inventory.Functions;

/// <summary>Inventory's outbox relay timer (see <see cref="OutboxRelay"/>); the function must be declared in the app for its metadata.</summary>
public sealed class OutboxRelayFunction(OutboxRelay relay)
{
    [Function("Inventory_RelayOutbox")]
    public Task<OutboxRelayOutcome> Run([TimerTrigger(OutboxRelay.Schedule)] TimerInfo timer, CancellationToken ct) => relay.RunAsync("Inventory", ct);
}
