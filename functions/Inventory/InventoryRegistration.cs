using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Inventory;

/// <summary>The stock shard count N (<c>Inventory:StockShards</c>, 1-32, default 1; see Deciders/README.md).</summary>
public sealed record InventoryOptions(int StockShards = 1)
{
    /// <summary>Reads the shard count from configuration; anything but 1-32 is refused at start-up.</summary>
    public static InventoryOptions From(IConfiguration configuration) => new(
        configuration["Inventory:StockShards"] is not { Length: > 0 } shards ? 1
            : int.TryParse(shards, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 32 ? n
            : throw new InvalidOperationException($"Inventory:StockShards = '{shards}' is not a whole number from 1 to 32."));
}

/// <summary>The Inventory context's services; used by Program.cs and by the local host.</summary>
public static class InventoryRegistration
{
    /// <summary>Inventory's consumer group, as in schemas/catalog.json (a contract test compares every trigger with it).</summary>
    public const string ConsumerGroup = "inventory";

    /// <summary>Registers everything the Inventory functions need.</summary>
    public static IServiceCollection AddInventoryContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventing(configuration, "Inventory", InventoryJson.Default);

        var options = InventoryOptions.From(configuration);
        services.AddSingleton(options);
        services.AddStateTable(configuration, "Inventory:StockTable", "inventorystock", InventoryJson.Default.StockRow, appliedWindow: 0, cacheCapacity: StockDecider.CacheCapacity);
        services.AddStateTable(configuration, "Inventory:ReceiptsTable", "inventoryreceipts", InventoryJson.Default.ReceiptRequest, appliedWindow: 0);
        services.AddEntityCommands<ReceiptRequest>();
        services.AddPartitionDecider<StockRow, StockDecider>();
        services.AddSingleton<Functions.StockFunctions>();
        services.AddSingleton<Functions.StockEventFunctions>();
        return services;
    }
}
