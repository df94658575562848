using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Loyalty;

/// <summary>The Loyalty context's services; used by Program.cs and by the local host.</summary>
public static class LoyaltyRegistration
{
    /// <summary>Registers everything the Loyalty functions need.</summary>
    public static IServiceCollection AddLoyaltyContext(this IServiceCollection services, IConfiguration configuration) =>
        services.AddEventing(configuration, "Loyalty", _ => { });
}
