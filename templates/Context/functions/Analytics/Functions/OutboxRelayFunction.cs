namespace Store.Analytics.Functions;

/// <summary>
/// Analytics's outbox relay timer (see <see cref="OutboxRelay"/>): a context that sends nothing still needs it, because its
/// dead letters go through the rows' outbox. The function must be declared in the app for its metadata.
/// </summary>
public sealed class OutboxRelayFunction(OutboxRelay relay)
{
    [Function("Analytics_RelayOutbox")]
    public Task<OutboxRelayOutcome> Run([TimerTrigger(OutboxRelay.Schedule)] TimerInfo timer, CancellationToken ct) => relay.RunAsync("Analytics", ct);
}
