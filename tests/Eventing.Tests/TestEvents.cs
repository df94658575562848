using System.Text.Json.Serialization;
using Store.Eventing.CloudEvents;

namespace Store.Eventing.Tests;

/// <summary>A test-side record for a catalog event (consumers own their records).</summary>
public sealed record StockReceived(string ReceiptId, string Sku, int Quantity);

/// <summary>Another catalog event used as an output in tests.</summary>
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

    public static EventTypeRegistry Registry() =>
        new EventTypeRegistry().Add(Received, TestJson.Default.StockReceived).Add(Reserved, TestJson.Default.StockReserved);

    public static CloudEventCodec Create() => new(Registry());

    public static byte[] ReceivedBody(string id, string sku, int quantity, CloudEventCodec? codec = null) =>
        (codec ?? Create()).Encode(new CloudEventHeader(id, Received, "/tests", sku, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), new StockReceived("r-" + id, sku, quantity));
}
