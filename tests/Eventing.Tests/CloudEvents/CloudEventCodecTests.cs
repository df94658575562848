using System.Text;
using System.Text.Json;
using Store.Eventing.CloudEvents;

namespace Store.Eventing.Tests.CloudEvents;

public sealed class CloudEventCodecTests
{
    private readonly CloudEventCodec _codec = TestCodec.Create();

    [Fact]
    public void EncodeThenDecode_RoundTripsEnvelopeAndData()
    {
        var time = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var body = _codec.Encode(new CloudEventHeader("id-1", TestCodec.Received, "/store/inventory", "SKU-1", time, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), new StockReceived("r1", "SKU-1", 5));

        var result = _codec.Decode(body);

        Assert.True(result.IsEvent);
        var e = result.Event!;
        Assert.Equal(("id-1", TestCodec.Received, "/store/inventory", "SKU-1", time), (e.Id, e.Type, e.Source, e.Subject, e.Time));
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", e.TraceParent);
        Assert.Equal(new StockReceived("r1", "SKU-1", 5), e.Data);
    }

    [Fact]
    public void Encode_WritesStructuredCloudEventWithDataSchema()
    {
        var body = TestCodec.ReceivedBody("id-1", "SKU-1", 5, _codec);

        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal("application/json", root.GetProperty("datacontenttype").GetString());
        Assert.Equal("https://schemas.store.example/inventory/stock-received.v1.json", root.GetProperty("dataschema").GetString());
        Assert.Equal("SKU-1", root.GetProperty("data").GetProperty("sku").GetString());
    }

    [Fact]
    public void Encode_SameInput_IsByteIdentical()
    {
        Assert.Equal(TestCodec.ReceivedBody("a", "S", 1, _codec), TestCodec.ReceivedBody("a", "S", 1, _codec));
    }

    [Theory]
    [InlineData("not json at all", DataErrorKind.MalformedJson)]
    [InlineData("{\"specversion\":\"1.0\",", DataErrorKind.MalformedJson)]
    [InlineData("null", DataErrorKind.InvalidEnvelope)]
    [InlineData("{\"hello\":\"world\"}", DataErrorKind.InvalidEnvelope)]
    [InlineData("{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{}}", DataErrorKind.InvalidEnvelope)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v9\",\"data\":{}}", DataErrorKind.UnknownType)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"nobody.something.v1\",\"data\":{}}", DataErrorKind.UnknownType)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":0}}", DataErrorKind.SchemaViolation)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"sku\":\"S\",\"quantity\":3}}", DataErrorKind.SchemaViolation)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":[1,2]}", DataErrorKind.SchemaViolation)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":null}", DataErrorKind.SchemaViolation)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\"}", DataErrorKind.SchemaViolation)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1,}}", DataErrorKind.MalformedJson)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"\\ud83d\",\"sku\":\"S\",\"quantity\":1}}", DataErrorKind.SchemaViolation)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1.5}} x", DataErrorKind.MalformedJson)]
    public void Decode_BadInput_ReturnsDataErrorOfTheRightKind(string body, DataErrorKind expected)
    {
        var result = _codec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.False(result.IsEvent);
        Assert.Equal(expected, result.Error?.Kind);
        Assert.False(string.IsNullOrWhiteSpace(result.Error?.Message));
    }

    [Fact]
    public void Decode_SchemaViolation_NamesTheField()
    {
        var body = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":0}}";

        var error = _codec.Decode(Encoding.UTF8.GetBytes(body)).Error!;

        Assert.Contains("/quantity", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(",\"data\":null", "got Null")]
    [InlineData("", "got Undefined")]
    [InlineData(",\"data\":\"x\"", "got String")]
    public void Decode_DataNotAnObject_SaysWhatItGot(string data, string expected)
    {
        var body = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\"" + data + "}";

        var error = _codec.Decode(Encoding.UTF8.GetBytes(body)).Error!;

        Assert.Equal(DataErrorKind.SchemaViolation, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_DataAmongOtherAttributes_BindsTheDataSlice()
    {
        var body = "{\"data\":{\"receiptId\":\"r\",\"sku\":\"S\\u00e9\",\"quantity\":2},\"ID\":\"1\",\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"x\":[{\"data\":1}]}";

        var result = _codec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.True(result.IsEvent, result.Error?.Message);
        Assert.Equal(new StockReceived("r", "S\u00e9", 2), result.Event!.Data);
    }

    [Fact]
    public void Decode_CatalogTypeThisConsumerDoesNotHandle_IsSkippedNotDeadLettered()
    {
        var body = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-released.v1\",\"data\":{}}";

        var result = _codec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.Null(result.Error);
        Assert.Equal("inventory.stock-released.v1", result.SkippedType);
    }

    [Fact]
    public void Encode_HeaderTypeNotMatchingRecord_Throws()
    {
        var header = new CloudEventHeader("1", TestCodec.Reserved, "/s", "S", DateTimeOffset.UnixEpoch);
        Assert.Throws<ArgumentException>(() => _codec.Encode(header, new StockReceived("r", "S", 1)));
    }

    [Fact]
    public void Registry_TypeNotInCatalog_Throws()
    {
        Assert.Throws<ArgumentException>(() => new EventTypeRegistry().Add("sales.order-exploded.v1", TestJson.Default.StockReceived));
    }
}
