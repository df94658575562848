using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Fulfillment;

/// <summary>The Fulfillment context's services; used by Program.cs and by the local host.</summary>
public static class FulfillmentRegistration
{
    /// <summary>Registers everything the Fulfillment functions need.</summary>
    public static IServiceCollection AddFulfillmentContext(this IServiceCollection services, IConfiguration configuration) =>
        services.AddEventing(configuration, "Fulfillment", _ => { });
}
