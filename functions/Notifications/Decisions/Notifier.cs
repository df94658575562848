using Store.Eventing.Publishing;

namespace Store.Notifications.Decisions;

/// <summary>Notifications' stateless decision: one customer-facing input event becomes one notification-requested on <paramref name="channel"/>.</summary>
public sealed class Notifier(string channel)
{
    /// <summary>Role used to derive the output id from the input id.</summary>
    public const string Role = "notification-requested";

    /// <summary>Maps one decoded input; inputs of other types are not Notifications' (state false: counted as ignored).</summary>
    public Decision<bool> Decide(InboundEvent e) =>
        NotificationRules.For(e.Event.Data, EventIds.Derive(e.Event.Id, Role), channel) is { } notification
            ? new Decision<bool>(true, [new Emit(notification, Role)])
            : new Decision<bool>(false, []);
}
