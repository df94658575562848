using System.Text.Json;

namespace Store.Loyalty.Events;

/// <summary>An order line as carried by sales and fulfillment events.</summary>
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary><c>sales.order-placed.v2</c> as Loyalty reads it (points come from totals; the address does not matter).</summary>
[CloudEventType("sales.order-placed.v2")]
public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency);

/// <summary><c>sales.order-placed.v1</c>, read as v2: the fields Loyalty reads are the same in both.</summary>
[CloudEventType("sales.order-placed.v1")]
public sealed record OrderPlacedV1(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency) : IUpcast<OrderPlaced>
{
    public OrderPlaced Upcast() => new(OrderId, CustomerId, Lines, Total, Currency);
}

/// <summary>Loyalty's view of <c>fulfillment.shipment-requested.v1</c>; <see cref="Total"/> and <see cref="Currency"/> are optional in the schema.</summary>
[CloudEventType("fulfillment.shipment-requested.v1")]
public sealed record ShipmentRequested(
    string ShipmentId,
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Lines,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Total = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency = null);

/// <summary>Data of <c>loyalty.tier-changed.v1</c>: one threshold crossing of one customer.</summary>
[CloudEventType("loyalty.tier-changed.v1")]
public sealed record TierChanged(string CustomerId, string PreviousTier, string NewTier, long Points);

/// <summary>Answer of <c>GET /api/customers/{id}/loyalty</c>.</summary>
public sealed record CustomerLoyaltyView(string CustomerId, long Points, string Tier);

/// <summary>Source-generated serialization of every Loyalty record (events, state, query answers).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPlacedV1))]
[JsonSerializable(typeof(ShipmentRequested))]
[JsonSerializable(typeof(TierChanged))]
[JsonSerializable(typeof(CustomerLoyaltyView))]
[JsonSerializable(typeof(CustomerLoyalty))]
public sealed partial class LoyaltyJson : JsonSerializerContext;
