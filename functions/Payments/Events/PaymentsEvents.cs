using System.Text.Json;
using System.Text.Json.Serialization;
using Store.Eventing.CloudEvents;

namespace Store.Payments.Events;

/// <summary>An order line as Payments reads it from <c>sales.order-placed.v1</c>.</summary>
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Data of <c>sales.order-placed.v1</c> as Payments reads it.</summary>
[CloudEventType("sales.order-placed.v1")]
public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency);

[CloudEventType("payments.payment-authorized.v1")]
public sealed record PaymentAuthorized(string OrderId, string CustomerId, decimal Amount, string Currency);

[CloudEventType("payments.payment-declined.v1")]
public sealed record PaymentDeclined(string OrderId, string CustomerId, decimal Amount, string Currency, string Reason);

/// <summary>Source-generated serialization for Payments events.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(PaymentAuthorized))]
[JsonSerializable(typeof(PaymentDeclined))]
public sealed partial class PaymentsJson : JsonSerializerContext;
