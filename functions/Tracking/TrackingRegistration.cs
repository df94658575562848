using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Tracking;

/// <summary>The Tracking context's services; used by Program.cs and by the local host.</summary>
public static class TrackingRegistration
{
    /// <summary>Registers everything the Tracking functions need.</summary>
    public static IServiceCollection AddTrackingContext(this IServiceCollection services, IConfiguration configuration) =>
        services.AddEventing(configuration, "Tracking", _ => { });
}
