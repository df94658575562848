using System.Text.Json;
using System.Text.Json.Serialization;
using Store.Eventing.CloudEvents;

namespace Store.Payments.Events;

/// <summary>An order line as Payments reads it from <c>sales.order-placed</c>.</summary>
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Data of <c>sales.order-placed.v2</c> as Payments reads it (the payment rule does not look at the address).</summary>
[CloudEventType("sales.order-placed.v2")]
public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency);

/// <summary><c>sales.order-placed.v1</c>, read as v2: the fields Payments reads are the same in both.</summary>
[CloudEventType("sales.order-placed.v1")]
public sealed record OrderPlacedV1(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency) : IUpcast<OrderPlaced>
{
    public OrderPlaced Upcast() => new(OrderId, CustomerId, Lines, Total, Currency);
}

[CloudEventType("payments.payment-authorized.v1")]
public sealed record PaymentAuthorized(string OrderId, string CustomerId, decimal Amount, string Currency);

[CloudEventType("payments.payment-declined.v1")]
public sealed record PaymentDeclined(string OrderId, string CustomerId, decimal Amount, string Currency, string Reason);

/// <summary>Source-generated serialization for Payments events.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPlacedV1))]
[JsonSerializable(typeof(PaymentAuthorized))]
[JsonSerializable(typeof(PaymentDeclined))]
public sealed partial class PaymentsJson : JsonSerializerContext;
