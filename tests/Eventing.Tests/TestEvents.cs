namespace Store.Eventing.Tests;

/// <summary>A test-side record for a catalog event (consumers own their records).</summary>
[CloudEventType(TestCodec.Received)]
public sealed record StockReceived(string ReceiptId, string Sku, int Quantity);

/// <summary>Another catalog event used as an output in tests.</summary>
[CloudEventType(TestCodec.Reserved)]
public sealed record StockReserved(string OrderId, string CustomerId, IReadOnlyList<ReservedLine> Lines);

public sealed record ReservedLine(string Sku, int Quantity);

/// <summary>State of the counting projection used to exercise the kit.</summary>
public sealed record SkuTotal(string Sku, int Quantity, int Receipts);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StockReceived))]
[JsonSerializable(typeof(StockReserved))]
[JsonSerializable(typeof(SkuTotal))]
public sealed partial class TestJson : JsonSerializerContext;

public static class TestCodec
{
    public const string Received = "inventory.stock-received.v1";
    public const string Reserved = "inventory.stock-reserved.v1";

    public static EventTypeRegistry Registry() => new EventTypeRegistry().AddAll(TestJson.Default);

    public static CloudEventCodec Create() => new(Registry());

    public static byte[] ReceivedBody(string id, string sku, int quantity, CloudEventCodec? codec = null) =>
        (codec ?? Create()).Encode(new CloudEventHeader(id, Received, "/tests", sku, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), new StockReceived("r-" + id, sku, quantity));
}

/// <summary>A record naming a type the catalog does not know.</summary>
[CloudEventType("sales.order-exploded.v1")]
public sealed record Exploded(string OrderId);

/// <summary>A second record claiming <see cref="TestCodec.Received"/>.</summary>
[CloudEventType(TestCodec.Received)]
public sealed record ReceivedAgain(string ReceiptId);

[JsonSerializable(typeof(StockReceived))]
[JsonSerializable(typeof(Exploded))]
public sealed partial class UnknownTypeJson : JsonSerializerContext;

[JsonSerializable(typeof(SkuTotal))]
public sealed partial class NoEventsJson : JsonSerializerContext;

[JsonSerializable(typeof(StockReceived))]
[JsonSerializable(typeof(ReceivedAgain))]
public sealed partial class TwiceJson : JsonSerializerContext;
