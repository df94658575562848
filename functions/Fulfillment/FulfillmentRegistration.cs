using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Fulfillment;

/// <summary>The Fulfillment context's services; used by Program.cs and by the local host.</summary>
public static class FulfillmentRegistration
{
    /// <summary>Setting naming the state table (default <c>fulfillmentorders</c>).</summary>
    public const string TableNameSetting = "Fulfillment:OrdersTable";

    /// <summary>Fulfillment's consumer group, as in schemas/catalog.json (a contract test compares every trigger with it).</summary>
    public const string ConsumerGroup = "fulfillment";

    public static IServiceCollection AddFulfillmentContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventing(configuration, "Fulfillment", FulfillmentJson.Default);

        services.AddStateTable(configuration, TableNameSetting, "fulfillmentorders", FulfillmentJson.Default.FulfillmentOrder, cacheCapacity: 20_000);
        services.AddKeyedDecider<FulfillmentOrder, FulfillmentDecider>();
        return services;
    }
}
