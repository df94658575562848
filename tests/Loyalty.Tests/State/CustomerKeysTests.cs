using Store.Loyalty.State;

namespace Store.Loyalty.Tests.State;

public sealed class CustomerKeysTests
{
    [Fact]
    public void Bucket_IsStableAndWithinRange()
    {
        var buckets = Enumerable.Range(0, 500).Select(i => CustomerKeys.BucketOf("customer-" + i)).ToArray();

        Assert.All(buckets, b => Assert.Matches("^c[0-3][0-9]$", b));
        Assert.Equal(buckets, Enumerable.Range(0, 500).Select(i => CustomerKeys.BucketOf("customer-" + i)));
        Assert.True(buckets.Distinct().Count() > CustomerKeys.Buckets / 2, "customers spread over the buckets");
    }

    [Theory]
    [InlineData("plain-id", "plain-id")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("a\\b#c?d%e", "a%5Cb%23c%3Fd%25e")]
    [InlineData("tab\tid", "tab%09id")]
    [InlineData("line\u2028id", "line%2028id")]
    public void RowKey_EscapesCharactersTablesForbid(string customerId, string rowKey) =>
        Assert.Equal(rowKey, CustomerKeys.RowKeyOf(customerId));

    [Fact]
    public void RowKey_DistinctIdsStayDistinct() =>
        Assert.NotEqual(CustomerKeys.RowKeyOf("a/b"), CustomerKeys.RowKeyOf("a%2Fb"));
}
