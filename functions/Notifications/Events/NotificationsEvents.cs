using System.Text.Json;
using System.Text.Json.Serialization;

namespace Store.Notifications.Events;

/// <summary>An order line of a shipment.</summary>
public sealed record ShipmentLine(string Sku, int Quantity, decimal UnitPrice);

[CloudEventType("fulfillment.shipment-requested.v1")]
public sealed record ShipmentRequested(
    string ShipmentId,
    string OrderId,
    string CustomerId,
    IReadOnlyList<ShipmentLine> Lines,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Total = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency = null);

/// <summary>A line that could not be reserved.</summary>
public sealed record ShortLine(string Sku, int Requested, int Available);

[CloudEventType("inventory.stock-reservation-rejected.v1")]
public sealed record StockReservationRejected(string OrderId, string CustomerId, IReadOnlyList<ShortLine> ShortLines);

[CloudEventType("payments.payment-declined.v1")]
public sealed record PaymentDeclined(string OrderId, string CustomerId, decimal Amount, string Currency, string Reason);

[CloudEventType("loyalty.tier-changed.v1")]
public sealed record TierChanged(string CustomerId, string PreviousTier, string NewTier, long Points);

/// <param name="NotificationId">Deterministic: derived from the input event's id, so a redelivered input asks for the same notification.</param>
/// <param name="CustomerId">The customer to notify.</param>
/// <param name="Channel">"email", "sms" or "push".</param>
/// <param name="Template">Kebab-case template name, e.g. "payment-declined".</param>
/// <param name="OrderId">Present when the notification is about an order.</param>
/// <param name="Data">Template fields as strings, sorted by key.</param>
[CloudEventType("notifications.notification-requested.v1")]
public sealed record NotificationRequested(
    string NotificationId,
    string CustomerId,
    string Channel,
    string Template,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId,
    IReadOnlyDictionary<string, string> Data);

/// <summary>Notifications' view of <c>fulfillment.order-withdrawn.v1</c>: the customer's cancellation took effect.</summary>
[CloudEventType("fulfillment.order-withdrawn.v1")]
public sealed record OrderWithdrawn(string OrderId, string CustomerId, string? Reason = null);

/// <summary>Notifications' view of <c>fulfillment.cancellation-rejected.v1</c>: the order had shipped before the cancel was read.</summary>
[CloudEventType("fulfillment.cancellation-rejected.v1")]
public sealed record CancellationRejected(string OrderId, string CustomerId, string ShipmentId, string Reason);

/// <summary>Source-generated serialization of every Notifications record.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ShipmentRequested))]
[JsonSerializable(typeof(OrderWithdrawn))]
[JsonSerializable(typeof(CancellationRejected))]
[JsonSerializable(typeof(StockReservationRejected))]
[JsonSerializable(typeof(PaymentDeclined))]
[JsonSerializable(typeof(TierChanged))]
[JsonSerializable(typeof(NotificationRequested))]
public sealed partial class NotificationsJson : JsonSerializerContext;
