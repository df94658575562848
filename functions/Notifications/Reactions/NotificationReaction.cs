using System.Globalization;
using Store.Eventing.Publishing;

namespace Store.Notifications.Reactions;

/// <summary>
/// Notifications' reaction: one customer-facing event becomes one notification-requested on <paramref name="channel"/>.
/// The notification id derives from the input event id; amounts are formatted with the invariant culture so output is
/// byte-stable.
/// </summary>
public sealed class NotificationReaction(string channel)
{
    /// <summary>Role used to derive the output id from the input id.</summary>
    public const string Role = "notification-requested";

    /// <summary>Channels the notification-requested schema allows.</summary>
    public static IReadOnlySet<string> Channels { get; } = new HashSet<string>(["email", "sms", "push"], StringComparer.Ordinal);

    /// <summary>Maps one decoded input; inputs of other types are not Notifications'.</summary>
    public Reaction React(InboundEvent e) =>
        For(e.Event.Data, EventIds.Derive(e.Event.Id, Role), channel) is { } notification ? Reaction.Emits(new Emit(notification, Role)) : Reaction.NotMine;

    /// <summary>The notification a customer-facing event asks for (template named after it); null for any other event.</summary>
    public static NotificationRequested? For(object data, string notificationId, string channel) => data switch
    {
        // "Your order is on its way": shipment id, item count, and the total when the shipment carries it.
        ShipmentRequested e => new(notificationId, e.CustomerId, channel, "shipment-requested", e.OrderId, Data(
            ("shipmentId", e.ShipmentId), ("itemCount", e.Lines.Sum(l => (long)l.Quantity).ToString(CultureInfo.InvariantCulture)),
            ("total", e.Total is { } total ? Amount(total) : null), ("currency", e.Currency))),

        // "Some items are out of stock": the short skus (comma-separated, in the event's order) and the details per sku.
        StockReservationRejected e => new(notificationId, e.CustomerId, channel, "stock-reservation-rejected", e.OrderId, Data(
            ("shortSkus", string.Join(",", e.ShortLines.Select(l => l.Sku))),
            ("shortLines", string.Join(",", e.ShortLines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Sku}:{l.Requested}/{l.Available}")))))),

        // "Your payment was declined": reason and amount.
        PaymentDeclined e => new(notificationId, e.CustomerId, channel, "payment-declined", e.OrderId,
            Data(("reason", e.Reason), ("amount", Amount(e.Amount)), ("currency", e.Currency))),

        // "Your order is cancelled": the cancellation took effect (Fulfillment withdrew the order); the reason the customer gave, if any.
        OrderWithdrawn e => new(notificationId, e.CustomerId, channel, "order-cancelled", e.OrderId, Data(("reason", e.Reason))),

        // "We could not cancel your order": it had already shipped; the shipment and the reason.
        CancellationRejected e => new(notificationId, e.CustomerId, channel, "cancellation-rejected", e.OrderId,
            Data(("shipmentId", e.ShipmentId), ("reason", e.Reason))),

        // "You reached a new tier": previous and new tier and the points (not about an order, so no orderId).
        TierChanged e => new(notificationId, e.CustomerId, channel, "tier-changed", null,
            Data(("previousTier", e.PreviousTier), ("newTier", e.NewTier), ("points", e.Points.ToString(CultureInfo.InvariantCulture)))),

        _ => null,
    };

    /// <summary>An amount as invariant-culture text, keeping the scale the event carried (10.00 stays "10.00").</summary>
    public static string Amount(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    // Sorted by key (ordinal) so the serialized output is stable; a field without a value is left out.
    private static SortedDictionary<string, string> Data(params (string Key, string? Value)[] fields) =>
        new(fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!), StringComparer.Ordinal);
}
