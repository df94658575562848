using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Sales;

/// <summary>The Sales context's services; used by Program.cs and by the local host.</summary>
public static class SalesRegistration
{
    /// <summary>Registers everything the Sales functions need.</summary>
    public static IServiceCollection AddSalesContext(this IServiceCollection services, IConfiguration configuration) =>
        services.AddEventing(configuration, "Sales", _ => { });
}
