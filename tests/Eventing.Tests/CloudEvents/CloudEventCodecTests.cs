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
    // Not an envelope: malformed JSON is reported before the envelope is judged.
    [InlineData("[1]", DataErrorKind.MalformedJson)]
    [InlineData("\"x\"", DataErrorKind.MalformedJson)]
    [InlineData("", DataErrorKind.MalformedJson)]
    [InlineData("null x", DataErrorKind.MalformedJson)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"ext\":[1,],\"data\":{}}", DataErrorKind.MalformedJson)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{}", DataErrorKind.MalformedJson)]
    [InlineData("  {\"specversion\":\"1.1\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{}}  ", DataErrorKind.InvalidEnvelope)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{}}", DataErrorKind.InvalidEnvelope)]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":null,\"type\":\"inventory.stock-received.v1\",\"data\":{}}", DataErrorKind.InvalidEnvelope)]
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
        var body = "{\"data\":{\"receiptId\":\"r\",\"sku\":\"S\\u00e9\",\"quantity\":2},\"id\":\"1\",\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"x\":\"data\"}";

        var result = _codec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.True(result.IsEvent, result.Error?.Message);
        Assert.Equal(new StockReceived("r", "S\u00e9", 2), result.Event!.Data);
    }

    private const string ReceivedPrefix = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":";
    private const string ReservedPrefix = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-reserved.v1\",\"data\":";

    // JsonSchema.Net validates the first of repeated names and System.Text.Json binds the last: the codec must reject them.
    [Theory]
    [InlineData(ReceivedPrefix, """{"receiptId":"r","sku":"S","quantity":5,"quantity":5000}""", "'quantity'", "in /")]
    [InlineData(ReceivedPrefix, """{"quantity":5000,"receiptId":"r","sku":"S","quantity":5}""", "'quantity'", "in /")]
    [InlineData(ReceivedPrefix, """{"receiptId":"r","sku":"S","quantity":5,"\u0071uantity":5000}""", "'quantity'", "in /")]
    [InlineData(ReceivedPrefix, """{"receiptId":"r","sku":"S","quantity":5,"a":1,"\u0061":2}""", "'a'", "in /")]
    [InlineData(ReceivedPrefix, """{"receiptId":"r","sku":"S","quantity":5,"x":{"y":[{"a":1},{"b":1,"b":2}]}}""", "'b'", "in /x/y/1")]
    [InlineData(ReservedPrefix, """{"orderId":"o","customerId":"c","lines":[{"sku":"S","quantity":1},{"sku":"T","quantity":1,"quantity":900}]}""", "'quantity'", "in /lines/1")]
    [InlineData(ReservedPrefix, """{"orderId":"o","customerId":"c","lines":[{"sku":"S","quantity":1}],"lines":[{"sku":"S","quantity":9}]}""", "'lines'", "in /")]
    [InlineData(ReceivedPrefix, """{"receiptId":"r","sku":"S","quantity":5,"a~/b":{"c":1,"c":1}}""", "'c'", "in /a~0~1b")]
    public void Decode_RepeatedNameInData_IsSchemaViolationNamingIt(string prefix, string data, string name, string where)
    {
        var result = _codec.Decode(Encoding.UTF8.GetBytes(prefix + data + "}"));

        Assert.False(result.IsEvent);
        Assert.Equal(DataErrorKind.SchemaViolation, result.Error!.Kind);
        Assert.Contains(name + " appears more than once " + where, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RepeatedNameInDataOfATypeThisConsumerSkips_IsRejectedToo()
    {
        // The body is refused as a whole before its type is looked up (as malformed JSON is): a repeated name is never skipped.
        var body = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-released.v1\",\"data\":{\"a\":1,\"a\":2}}";

        var result = _codec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.Equal(DataErrorKind.SchemaViolation, result.Error?.Kind);
        Assert.Contains("'a' appears more than once in /", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NamesDifferingOnlyInCase_AreRejectedWhereTheBindingMergesThem()
    {
        // The contexts bind case-insensitively (JsonSerializerDefaults.Web): "Quantity" would overwrite the validated "quantity".
        var result = _codec.Decode(Encoding.UTF8.GetBytes(ReceivedPrefix + """{"receiptId":"r","sku":"S","quantity":5,"Quantity":5000}""" + "}"));

        Assert.Equal(DataErrorKind.SchemaViolation, result.Error?.Kind);
        Assert.Contains("'quantity'", result.Error!.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decode_SameNameInDifferentObjects_IsFine()
    {
        var data = """{"orderId":"o","customerId":"c","lines":[{"sku":"S","quantity":1},{"sku":"T","quantity":2}],"x":{"orderId":1,"x":{"x":1}}}""";

        var result = _codec.Decode(Encoding.UTF8.GetBytes(ReservedPrefix + data + "}"));

        Assert.True(result.IsEvent, result.Error?.Message);
        Assert.Equal(2, ((StockReserved)result.Event!.Data).Lines[1].Quantity);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_ManyNames_FindsARepeatAmongThem(bool repeat)
    {
        var extras = string.Concat(Enumerable.Range(0, 40).Select(i => $",\"k{i}\":{i}")) + (repeat ? ",\"k7\":0" : ",\"k40\":0");
        var data = "{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":5" + extras + "}";

        var result = _codec.Decode(Encoding.UTF8.GetBytes(ReceivedPrefix + data + "}"));

        Assert.Equal(!repeat, result.IsEvent);
        if (repeat)
        {
            Assert.Contains("'k7' appears more than once", result.Error!.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"nobody.something.v1\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "attribute 'type' appears more than once")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"\\u0074ype\":\"x\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "attribute 'type' appears more than once")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"ID\":\"2\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "Invalid character 'I' in attribute name 'ID'")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1},\"data\":{}}", "attribute 'data' appears more than once")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"ext\":\"a\",\"ext\":\"b\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "attribute 'ext' appears more than once")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"ext\":{\"a\":1,\"a\":2},\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "property 'a' appears more than once in /ext")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":5,\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "Invalid token type 'Number' for CloudEvent attribute 'id'")]
    [InlineData("{\"specversion\":1.0,\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "attribute 'specversion' must be a string, got Number")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"time\":\"yesterday\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "Text for attribute 'time' is invalid: Invalid timestamp")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"\\ud83d\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "attribute 'id' is not valid UTF-16 text")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"dataschema\":[],\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}", "Invalid token type 'Array' for CloudEvent attribute 'dataschema'")]
    public void Decode_BadEnvelopeAttributes_AreInvalidEnvelopeNamingTheAttribute(string body, string expected)
    {
        var result = _codec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.False(result.IsEvent);
        Assert.Equal(DataErrorKind.InvalidEnvelope, result.Error!.Kind);
        Assert.Contains(expected, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_AttributeNames_MatchAfterUnescaping_NullIsAbsent()
    {
        var body = "{\"\\u0073pecversion\":\"1.0\",\"\\u0069d\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"subject\":null,\"time\":null,\"datacontenttype\":\"application/json\",\"ext\":\"x\",\"data\":{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}";

        var result = _codec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.True(result.IsEvent, result.Error?.Message);
        Assert.Equal(("1", TestCodec.Received, null, DateTimeOffset.UnixEpoch), (result.Event!.Id, result.Event.Type, result.Event.Subject, result.Event.Time));
    }

    // CloudEvents attribute names are lower-case letters and digits: "ID" is neither the id nor an extension.
    [Theory]
    [InlineData("ID", "\"1\"", "'ID'")]
    [InlineData("Subject", "\"S\"", "'Subject'")]
    [InlineData("TraceParent", "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"", "'TraceParent'")]
    [InlineData("ext", "{\"a\":1}", "'Object'")]
    public void Decode_AttributeNotLowerCaseOrNotAScalar_IsInvalidEnvelope(string name, string value, string expected)
    {
        var body = $"{{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"{name}\":{value},\"data\":{{\"receiptId\":\"r\",\"sku\":\"S\",\"quantity\":1}}}}";

        var result = _codec.Decode(Encoding.UTF8.GetBytes(body));

        Assert.Equal(DataErrorKind.InvalidEnvelope, result.Error?.Kind);
        Assert.Contains(expected, result.Error!.Message, StringComparison.Ordinal);
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

    [Fact]
    public void Registry_AddAll_RegistersEveryAttributedRecordOfTheContextAndNothingElse()
    {
        var registry = new EventTypeRegistry().AddAll(TestJson.Default);

        Assert.Equal(typeof(StockReceived), registry.For<StockReceived>().TypeInfo.Type);
        Assert.Equal(TestCodec.Reserved, registry.For<StockReserved>().Type);
        Assert.True(registry.TryGet(TestCodec.Received, out _));
        Assert.Throws<InvalidOperationException>(() => registry.For<SkuTotal>());
    }

    [Theory]
    [InlineData(typeof(UnknownTypeJson), "'sales.order-exploded.v1' (record Exploded) is not in schemas/catalog.json")]
    [InlineData(typeof(NoEventsJson), "NoEventsJson serializes no record with [CloudEventType]")]
    [InlineData(typeof(TwiceJson), "'inventory.stock-received.v1' is declared by both StockReceived and ReceivedAgain")]
    public void Registry_AddAll_ContextWithUnknownMissingOrDoubleTypes_FailsWithClearError(Type context, string message)
    {
        var json = (JsonSerializerContext)context.GetProperty("Default")!.GetValue(null)!;

        var error = Assert.Throws<ArgumentException>(() => new EventTypeRegistry().AddAll(json));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
