using Store.Eventing.Publishing;

namespace Store.Notifications.Decisions;

/// <summary>Notifications' stateless decision: one customer-facing input event becomes one notification-requested.</summary>
public sealed class Notifier(NotificationsOptions options)
{
    /// <summary>Role used to derive the output id from the input id.</summary>
    public const string Role = "notification-requested";

    /// <summary>Maps one decoded input; inputs of other types are not Notifications' (state false: counted as ignored).</summary>
    public Decision<bool> Decide(InboundEvent e)
    {
        var id = EventIds.Derive(e.Event.Id, Role);
        var channel = options.DefaultChannel;
        NotificationRequested? notification = e.Event.Data switch
        {
            ShipmentRequested shipment => NotificationRules.For(shipment, id, channel),
            StockReservationRejected rejected => NotificationRules.For(rejected, id, channel),
            PaymentDeclined declined => NotificationRules.For(declined, id, channel),
            TierChanged tier => NotificationRules.For(tier, id, channel),
            OrderWithdrawn withdrawn => NotificationRules.For(withdrawn, id, channel),
            CancellationRejected rejection => NotificationRules.For(rejection, id, channel),
            _ => null,
        };

        if (notification is null)
        {
            return new Decision<bool>(false, []);
        }

        return new Decision<bool>(true, [new Emit(notification, Role)]);
    }
}

/// <param name="DefaultChannel">Setting <c>Notifications:DefaultChannel</c>: "email" (default), "sms" or "push".</param>
public sealed record NotificationsOptions(string DefaultChannel = "email");
