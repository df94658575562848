namespace Store.Sales.Events;

/// <summary>Source-generated serialization for every Sales event, state and HTTP body.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(ShipmentRequested))]
[JsonSerializable(typeof(OrderWithdrawn))]
[JsonSerializable(typeof(CancellationRejected))]
[JsonSerializable(typeof(OrderState))]
[JsonSerializable(typeof(CanonicalOrder))]
[JsonSerializable(typeof(OrderAnswer))]
public sealed partial class SalesJson : JsonSerializerContext;
