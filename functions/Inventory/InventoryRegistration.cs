using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Inventory;

/// <summary>The Inventory context's services; used by Program.cs and by the local host.</summary>
public static class InventoryRegistration
{
    /// <summary>Registers everything the Inventory functions need.</summary>
    public static IServiceCollection AddInventoryContext(this IServiceCollection services, IConfiguration configuration) =>
        services.AddEventing(configuration, "Inventory", _ => { });
}
