using Store.Fulfillment.State;

namespace Store.Fulfillment.Tests.Decisions;

public sealed class OrderKeysTests
{
    [Fact]
    public void Bucket_IsTwoLowercaseHexDigitsAndStable()
    {
        var bucket = OrderKeys.Bucket("order-1");

        Assert.Matches("^[0-9a-f]{2}$", bucket);
        Assert.Equal(bucket, OrderKeys.Bucket("order-1"));
    }

    [Fact]
    public void ManyOrders_ShareAtMost256Buckets()
    {
        var buckets = Enumerable.Range(0, 5000).Select(i => OrderKeys.Bucket($"order-{i}")).Distinct().Count();

        Assert.InRange(buckets, 200, 256);
    }

    [Theory]
    [InlineData("plain-id")]
    [InlineData("a/b\\c#d?e~f")]
    [InlineData("tab\there")]
    [InlineData("~0041")]
    public void RowKey_EscapesForbiddenCharactersAndRoundTrips(string orderId)
    {
        var rowKey = OrderKeys.RowKey(orderId);

        Assert.DoesNotMatch("[/\\\\#?\\t]", rowKey);
        Assert.Equal(orderId, OrderKeys.OrderIdOf(rowKey));
    }
}
