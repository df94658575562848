using Store.Eventing.Http;

namespace Store.Sales.Tests.Decisions;

public sealed class OrderValidationTests
{
    private static Validated<PlaceOrder> Validate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return OrderValidation.ValidatePlaceOrder(doc.RootElement.Clone());
    }

    /// <summary>Valid, or invalid with exactly one error, at <paramref name="key"/>.</summary>
    private static void AssertValidOrOnlyError(Validated<PlaceOrder> result, bool valid, string key)
    {
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            AssertOnlyError(result, key);
        }
    }

    private static void AssertOnlyError(Validated<PlaceOrder> result, string key) => Assert.Equal([key], result.Errors.Keys);

    private static string Lines(int count, string line = """{"sku":"S","quantity":1,"unitPrice":1}""") =>
        "[" + string.Join(",", Enumerable.Repeat(line, count)) + "]";

    private static string Order(string lines = """[{"sku":"S","quantity":1,"unitPrice":1}]""", string currency = "\"EUR\"", string orderId = "\"o-1\"", string customerId = "\"c-1\"") =>
        $$"""{"orderId":{{orderId}},"customerId":{{customerId}},"lines":{{lines}},"currency":{{currency}}}""";

    [Fact]
    public void Valid_order_binds_every_field_and_has_no_errors()
    {
        var result = Validate(Order("""[{"sku":"A","quantity":3,"unitPrice":2.50},{"sku":"B","quantity":1,"unitPrice":0}]"""));

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        var order = result.Value!;
        Assert.Equal(("o-1", "c-1", "EUR"), (order.OrderId, order.CustomerId, order.Currency));
        Assert.Equal(2, order.Lines.Count);
        Assert.Equal(("A", 3, 2.50m), (order.Lines[0].Sku, order.Lines[0].Quantity, order.Lines[0].UnitPrice));
        Assert.Equal(7.50m, order.Total);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    [InlineData(-1, false)]
    public void Quantity_must_be_from_1_to_1000(int quantity, bool valid)
    {
        AssertValidOrOnlyError(Validate(Order($$"""[{"sku":"S","quantity":{{quantity}},"unitPrice":1}]""")), valid, "lines[0].quantity");
    }

    [Fact]
    public void A_whole_number_written_with_a_decimal_point_is_a_quantity() =>
        Assert.Equal(2, Validate(Order("""[{"sku":"S","quantity":2.0,"unitPrice":1}]""")).Value?.Lines[0].Quantity);

    [Fact]
    public void Messages_name_the_field_and_the_limit_from_the_request_schema()
    {
        var errors = Validate("""{"orderId":"a/b","customerId":" ","currency":"EUR","lines":[{"sku":"S","quantity":1001,"unitPrice":-1},"x"]}""").Errors;

        Assert.Equal(["orderId: must not be blank nor contain '/', '\\', '#', '?', control characters or line separators (the order id is a table key)."], errors["orderId"]);
        Assert.Equal(["customerId: must not be blank."], errors["customerId"]);
        Assert.Equal(["lines[0].quantity must be at most 1000."], errors["lines[0].quantity"]);
        Assert.Equal(["lines[0].unitPrice must be at least 0."], errors["lines[0].unitPrice"]);
        Assert.Equal(["lines[1] must be an object."], errors["lines[1]"]);
    }

    [Fact]
    public void An_empty_id_gets_one_message_not_one_per_rule() =>
        Assert.Equal(["customerId must not be empty."], Validate(Order(customerId: "\"\"")).Errors["customerId"]);

    [Fact]
    public void A_number_beyond_a_decimal_is_out_of_range_not_a_crash()
    {
        AssertOnlyError(Validate(Order("""[{"sku":"S","quantity":1,"unitPrice":1e400}]""")), "lines[0].unitPrice");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"2\"")]
    [InlineData("null")]
    public void Quantity_must_be_a_whole_number(string quantity)
    {
        var result = Validate(Order($$"""[{"sku":"S","quantity":{{quantity}},"unitPrice":1}]"""));

        Assert.False(result.IsValid);
        Assert.Contains("lines[0].quantity", result.Errors.Keys);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void An_order_has_1_to_100_lines(int count, bool valid)
    {
        AssertValidOrOnlyError(Validate(Order(Lines(count))), valid, "lines");
    }

    [Theory]
    [InlineData("-0.01", false)]
    [InlineData("0", true)]
    [InlineData("0.01", true)]
    [InlineData("\"1\"", false)]
    public void Unit_price_must_be_zero_or_more(string unitPrice, bool valid)
    {
        AssertValidOrOnlyError(Validate(Order($$"""[{"sku":"S","quantity":1,"unitPrice":{{unitPrice}}}]""")), valid, "lines[0].unitPrice");
    }

    [Theory]
    [InlineData("\"EUR\"", true)]
    [InlineData("\"USD\"", true)]
    [InlineData("\"JPY\"", true)]
    [InlineData("\"eur\"", false)]
    [InlineData("\"EU\"", false)]
    [InlineData("\"EURO\"", false)]
    [InlineData("\"ABC\"", false)]
    [InlineData("\"XXX\"", false)]
    [InlineData("\"\"", false)]
    [InlineData("978", false)]
    [InlineData("null", false)]
    public void Currency_must_be_a_known_ISO_4217_code(string currency, bool valid)
    {
        AssertValidOrOnlyError(Validate(Order(currency: currency)), valid, "currency");
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    [InlineData("42")]
    public void Customer_id_must_be_a_non_empty_string(string customerId)
    {
        AssertOnlyError(Validate(Order(customerId: customerId)), "customerId");
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("\"a/b\"")]
    [InlineData("\"a#b\"")]
    [InlineData("\"a?b\"")]
    [InlineData("\"a\\\\b\"")]
    [InlineData("\"a\\u0001b\"")]
    public void Order_id_must_be_non_empty_and_usable_as_a_key(string orderId)
    {
        AssertOnlyError(Validate(Order(orderId: orderId)), "orderId");
    }

    [Fact]
    public void Ids_and_skus_longer_than_128_characters_are_rejected_and_128_is_accepted()
    {
        var ok = new string('a', 128);
        var tooLong = new string('a', 129);

        Assert.True(Validate(Order($$"""[{"sku":"{{ok}}","quantity":1,"unitPrice":1}]""", orderId: $"\"{ok}\"", customerId: $"\"{ok}\"")).IsValid);
        var result = Validate(Order($$"""[{"sku":"{{tooLong}}","quantity":1,"unitPrice":1}]""", orderId: $"\"{tooLong}\"", customerId: $"\"{tooLong}\""));
        Assert.Equal(["customerId", "lines[0].sku", "orderId"], result.Errors.Keys.Order());
    }

    [Fact]
    public void Every_error_is_listed_not_just_the_first()
    {
        var result = Validate("""
            {"orderId":"","customerId":"","currency":"eur",
             "lines":[{"sku":"","quantity":0,"unitPrice":-0.01},{"quantity":1001},"not an object",{"sku":"ok","quantity":1,"unitPrice":1}]}
            """);

        Assert.False(result.IsValid);
        Assert.Equal(
            ["currency", "customerId", "lines[0].quantity", "lines[0].sku", "lines[0].unitPrice", "lines[1].quantity", "lines[1].sku", "lines[1].unitPrice", "lines[2]", "orderId"],
            result.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"order\"")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_is_an_error(string json)
    {
        AssertOnlyError(Validate(json), "body");
    }

    [Fact]
    public void Missing_fields_are_each_reported_as_required()
    {
        var result = Validate("{}");

        Assert.Equal(["currency", "customerId", "lines", "orderId"], result.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(result.Errors.Values, messages => Assert.Contains("required", messages[0], StringComparison.Ordinal));
    }

    [Fact]
    public void Total_is_the_sum_of_quantity_times_unit_price_rounded_to_two_places_away_from_zero()
    {
        var result = Validate(Order("""[{"sku":"A","quantity":3,"unitPrice":0.335},{"sku":"B","quantity":1,"unitPrice":0.0001}]"""));

        // 1.005 + 0.0001 = 1.0051 -> 1.01; and a pure midpoint 0.005 rounds up.
        Assert.Equal(1.01m, result.Value!.Total);
        Assert.Equal(0.01m, OrderValidation.TotalOf([new("A", 1, 0.005m)]));
    }

    [Fact]
    public void A_total_that_overflows_a_decimal_is_a_validation_error()
    {
        AssertOnlyError(Validate(Order(Lines(100, """{"sku":"S","quantity":1000,"unitPrice":79000000000000000000000000}"""))), "lines");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("{}", null)]
    [InlineData("""{"reason":null}""", null)]
    [InlineData("""{"reason":"  "}""", null)]
    [InlineData("""{"reason":"changed my mind"}""", "changed my mind")]
    public void Cancel_reason_is_optional(string? json, string? reason)
    {
        using var doc = json is null ? null : JsonDocument.Parse(json);

        var result = OrderValidation.ValidateCancel("o-1", doc?.RootElement);

        Assert.True(result.IsValid);
        Assert.Equal(reason, result.Value!.Reason);
    }

    [Theory]
    [InlineData("""{"reason":42}""", "reason")]
    [InlineData("[]", "body")]
    public void Cancel_body_of_the_wrong_shape_is_an_error(string json, string field)
    {
        using var doc = JsonDocument.Parse(json);

        var result = OrderValidation.ValidateCancel("o-1", doc.RootElement);

        Assert.Equal([field], result.Errors.Keys);
    }

    [Fact]
    public void Cancel_reason_longer_than_500_characters_is_an_error()
    {
        using var ok = JsonDocument.Parse($$"""{"reason":"{{new string('r', 500)}}"}""");
        using var tooLong = JsonDocument.Parse($$"""{"reason":"{{new string('r', 501)}}"}""");

        Assert.True(OrderValidation.ValidateCancel("o-1", ok.RootElement).IsValid);
        Assert.Equal(["reason"], OrderValidation.ValidateCancel("o-1", tooLong.RootElement).Errors.Keys);
    }

    [Theory]
    [InlineData("O-1\u2028")]
    [InlineData("O-\u20291")]
    public void OrderIds_WithLineSeparators_AreInvalid(string orderId) =>
        Assert.False(OrderValidation.IsValidOrderId(orderId));
}
