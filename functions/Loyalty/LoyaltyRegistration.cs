using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Loyalty;

/// <summary>The Loyalty context's services; used by Program.cs and by the local host.</summary>
public static class LoyaltyRegistration
{
    /// <summary>Setting naming the customer table (default <c>loyaltycustomers</c>).</summary>
    public const string TableNameSetting = "Loyalty:CustomersTable";

    /// <summary>Loyalty's consumer group, as in schemas/catalog.json (a contract test compares every trigger with it).</summary>
    public const string ConsumerGroup = "loyalty";

    public static IServiceCollection AddLoyaltyContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventing(configuration, "Loyalty", LoyaltyJson.Default);

        services.AddStateTable(configuration, TableNameSetting, "loyaltycustomers", LoyaltyJson.Default.CustomerLoyalty, cacheCapacity: 20_000);
        services.AddKeyedDecider<CustomerLoyalty, LoyaltyDecider>();
        return services;
    }
}
