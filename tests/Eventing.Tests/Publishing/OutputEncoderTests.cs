namespace Store.Eventing.Tests.Publishing;

public sealed class OutputEncoderTests
{
    private static readonly DateTimeOffset Time = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string Trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void Encode_TakesIdFromCauseAndRole_AndHubSourceAndPartitionKeyFromTheCatalog()
    {
        var codec = TestCodec.Create();
        var data = new StockReserved("o-7", "c-1", [new ReservedLine("A", 2)]);

        var output = new OutputEncoder(codec, "Inventory").Encode(new Emit(data, "stock-reserved", new EventCause("in-1", Time, Trace)));

        var id = EventIds.Derive("in-1", "stock-reserved");
        var expected = codec.Encode(new CloudEventHeader(id, TestCodec.Reserved, "/store/inventory", "o-7", Time, Trace), data);
        Assert.Equal(("inventory-stock", "o-7", id, TestCodec.Reserved, Trace), (output.Hub, output.PartitionKey, output.Id, output.Type, output.TraceParent));
        Assert.Equal(expected, output.Body);
    }

    [Fact]
    public void Encode_WithoutCauseOrInput_Throws()
    {
        var encoder = new OutputEncoder(TestCodec.Create(), "Inventory");

        Assert.Throws<ArgumentException>(() => encoder.Encode(new Emit(new StockReserved("o-1", "c", []), "r")));
    }

    [Fact]
    public void Encode_AnEventTheContextDoesNotSend_Throws()
    {
        var encoder = new OutputEncoder(TestCodec.Create(), "Sales");

        var error = Assert.Throws<InvalidOperationException>(() => encoder.Encode(new Emit(new StockReserved("o-1", "c", []), "r", new EventCause("x", Time, null))));
        Assert.Contains("Sales", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_EmptyPartitionKey_Throws()
    {
        var encoder = new OutputEncoder(TestCodec.Create(), "Inventory");

        Assert.Throws<InvalidOperationException>(() => encoder.Encode(new Emit(new StockReserved("", "c", []), "r", new EventCause("x", Time, null))));
    }
}
