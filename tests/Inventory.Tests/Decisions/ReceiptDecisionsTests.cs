using Store.Eventing.Http;

namespace Store.Inventory.Tests.Decisions;

public sealed class ReceiptDecisionsTests
{
    private static Validated<StockReceived> Validate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ReceiptDecider.Validate(document.RootElement.Clone());
    }

    [Fact]
    public void Validate_ValidReceipt_ReturnsIt()
    {
        var result = Validate("""{"receiptId":"r1","sku":"A","quantity":1000000}""");

        Assert.Equal(new StockReceived("r1", "A", 1_000_000), result.Value);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Validate_EveryFieldWrong_ListsEveryError()
    {
        var result = Validate("""{"receiptId":"  ","sku":42,"quantity":0}""");

        Assert.False(result.IsValid);
        Assert.Equal(["quantity", "receiptId", "sku"], result.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_MissingFields_AreRequired()
    {
        var result = Validate("{}");

        Assert.Contains("receiptId is required.", result.Errors["receiptId"]);
        Assert.Contains("sku is required.", result.Errors["sku"]);
        Assert.Contains("quantity is required.", result.Errors["quantity"]);
    }

    [Theory]
    [InlineData("1.5", "integer")]
    [InlineData("\"3\"", "integer")]
    [InlineData("-1", "at least 1")]
    [InlineData("1000001", "at most 1000000")]
    public void Validate_BadQuantity_IsAnError(string quantity, string expected)
    {
        var result = Validate($$"""{"receiptId":"r1","sku":"A","quantity":{{quantity}}}""");

        Assert.Contains(expected, Assert.Single(result.Errors["quantity"]));
    }

    [Fact]
    public void Validate_TooLongIds_AreErrors()
    {
        var result = Validate($$"""{"receiptId":"{{new string('r', 129)}}","sku":"{{new string('s', 129)}}","quantity":1}""");

        Assert.Contains("at most 128", Assert.Single(result.Errors["receiptId"]));
        Assert.Contains("at most 128", Assert.Single(result.Errors["sku"]));
    }

    [Fact]
    public void Receive_RecordsANewReceiptWithOneStockReceived_AndAnswersARepeatWithWhatWasAccepted()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var first = ReceiptDecider.Receive(null, new StockReceived("r1", "A", 5), now, null);

        Assert.Equal((ReceiptIngressDecision.Accept, new ReceiptRequest("r1", "A", 5, ReceiptDecider.EventIdOf("r1"))), first.Answer);
        Assert.Equal(first.Answer.Accepted, first.NewState);
        var output = Assert.Single(first.Outputs!);
        Assert.Equal(new StockReceived("r1", "A", 5), output.Data);
        Assert.Equal(ReceiptDecider.EventIdOf("r1"), EventIds.Derive(output.Cause!.Value.Scope, output.Role));

        var repeat = ReceiptDecider.Receive(first.NewState, new StockReceived("r1", "A", 5), now.AddMinutes(1), null);
        Assert.Equal((ReceiptIngressDecision.Repeat, first.NewState!), repeat.Answer);
        Assert.Null(repeat.NewState);
        Assert.Null(repeat.Outputs);
    }

    [Fact]
    public void Validate_AWholeNumberWrittenWithADecimalPoint_IsAQuantity() =>
        Assert.Equal(new StockReceived("r1", "A", 2), Validate("""{"receiptId":"r1","sku":"A","quantity":2.0}""").Value);

    [Fact]
    public void Validate_BindsOnlyTheNamesTheSchemaChecked_NotAnotherCasing() =>
        Assert.Equal(new StockReceived("r1", "A", 5), Validate("""{"receiptId":"r1","sku":"A","quantity":5,"Quantity":99999999,"SKU":"B"}""").Value);

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"receipt\"")]
    [InlineData("null")]
    public void Validate_NotAJsonObject_IsABodyError(string body)
    {
        Assert.Single(Validate(body).Errors["body"]);
    }

    [Fact]
    public void Decide_FirstRequest_IsAccepted() =>
        Assert.Equal(ReceiptIngressDecision.Accept, ReceiptDecider.Decide(null, new StockReceived("r1", "A", 1)));

    [Fact]
    public void Decide_SameBodyAgain_IsARepeat() =>
        Assert.Equal(ReceiptIngressDecision.Repeat, ReceiptDecider.Decide(new ReceiptRequest("r1", "A", 1, "id"), new StockReceived("r1", "A", 1)));

    [Theory]
    [InlineData("B", 1)]
    [InlineData("A", 2)]
    public void Decide_DifferentBodySameId_IsAConflict(string sku, int quantity) =>
        Assert.Equal(ReceiptIngressDecision.Conflict, ReceiptDecider.Decide(new ReceiptRequest("r1", "A", 1, "id"), new StockReceived("r1", sku, quantity)));
}
