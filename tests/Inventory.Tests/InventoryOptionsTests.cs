using Microsoft.Extensions.Configuration;

namespace Store.Inventory.Tests;

/// <summary>The shard count setting: absent means one shard; 1-32; anything else is refused with the value named.</summary>
public sealed class InventoryOptionsTests
{
    [Fact]
    public void WithoutTheSetting_StockHasOneShard() =>
        Assert.Equal(1, InventoryOptions.From(Settings(null)).StockShards);

    [Theory]
    [InlineData("abc", "'abc' is not a whole number from 1 to 32")]
    [InlineData("0", "'0' is not a whole number from 1 to 32")]
    [InlineData("33", "'33' is not a whole number from 1 to 32")]
    public void AnyOtherShardCount_IsRefusedAtStartUp_WithTheValue(string value, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddInventoryContext(Settings(value)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Settings(string? shards) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Inventory:StockShards"] = shards, ["StateStorage"] = "UseDevelopmentStorage=true" })
        .Build();
}
