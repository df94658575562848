using System.Security.Cryptography;

namespace Store.Eventing.Tests.State;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("order-1")]
    [InlineData("O-0298")]
    [InlineData("ünïcödé/#?")]
    public void HashBucket_IsTheLeadingHexDigitsOfTheSha256(string id)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
        Assert.Equal(hex[..1], TableKeys.HashBucket(id, 1));
        Assert.Equal(hex[..2], TableKeys.HashBucket(id, 2));
        Assert.Equal(hex[..4], TableKeys.HashBucket(id, 4));
    }

    [Theory]
    [InlineData("plain-id", "plain-id")]
    [InlineData("a/b", "a~002fb")]
    [InlineData("~x", "~007ex")]
    [InlineData("q?#\\", "q~003f~0023~005c")]
    [InlineData("tab\t", "tab~0009")]
    [InlineData("line\u2028para\u2029", "line~2028para~2029")]
    public void Escape_ReplacesForbiddenCharacters_AndIdOfInvertsIt(string id, string key)
    {
        Assert.Equal(key, TableKeys.Escape(id));
        Assert.Equal(id, TableKeys.IdOf(key));
    }

    [Fact]
    public void Escape_IsInjective_OnIdsThatLookEscaped()
    {
        Assert.NotEqual(TableKeys.Escape("~002f"), TableKeys.Escape("/"));
        Assert.Equal("~002f", TableKeys.IdOf(TableKeys.Escape("~002f")));
    }

    [Fact]
    public void Bucketed_SpreadsIdsOverAtMost16PowDigitsStableBuckets_AndRoundTripsTheId()
    {
        var keys = Enumerable.Range(0, 5000).Select(i => TableKeys.Bucketed($"order-{i}/x", 2)).ToArray();

        Assert.InRange(keys.Select(k => k.PartitionKey).Distinct().Count(), 200, 256);
        Assert.All(keys, k => Assert.Matches("^[0-9a-f]{2}$", k.PartitionKey));
        Assert.Equal(keys[7], TableKeys.Bucketed("order-7/x", 2));
        Assert.Equal("order-7/x", TableKeys.IdOf(keys[7].RowKey));
    }
}
