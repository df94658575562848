using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Sales;

/// <summary>The Sales context's services; used by Program.cs and by the local host.</summary>
public static class SalesRegistration
{
    /// <summary>Setting naming the orders table (default <c>salesorders</c>).</summary>
    public const string OrdersTableSetting = "Sales:OrdersTable";

    public const string DefaultOrdersTable = "salesorders";

    /// <summary>Sales's consumer group, as in schemas/catalog.json (a contract test compares every trigger with it).</summary>
    public const string ConsumerGroup = "sales";

    public static IServiceCollection AddSalesContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventing(configuration, "Sales", SalesJson.Default);

        services.AddStateTable(configuration, OrdersTableSetting, DefaultOrdersTable, SalesJson.Default.OrderState, cacheCapacity: 20_000);
        services.AddKeyedProjection<OrderState, OrderShipmentsProjection>();
        services.AddEntityCommands<OrderState>();
        return services;
    }
}
