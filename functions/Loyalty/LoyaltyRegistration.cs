using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Loyalty;

/// <summary>The Loyalty context's services; used by Program.cs and by the local host.</summary>
public static class LoyaltyRegistration
{
    /// <summary>Setting naming the customer table (default <c>loyaltycustomers</c>).</summary>
    public const string TableNameSetting = "Loyalty:CustomersTable";

    public static IServiceCollection AddLoyaltyContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventing(configuration, "Loyalty", LoyaltyJson.Default);

        services.AddStateTable(configuration, TableNameSetting, "loyaltycustomers", LoyaltyJson.Default.CustomerLoyalty, cacheCapacity: 20_000);
        services.AddKeyedProjection<CustomerLoyalty, LoyaltyProjection>();
        return services;
    }
}
