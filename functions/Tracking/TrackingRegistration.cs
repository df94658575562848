using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Tracking;

/// <summary>The Tracking context's services; used by Program.cs and by the local host.</summary>
public static class TrackingRegistration
{
    /// <summary>Setting naming the state table (default <c>trackingorders</c>).</summary>
    public const string TableNameSetting = "Tracking:OrdersTable";

    /// <summary>Tracking's consumer group, as in schemas/catalog.json (a contract test compares every trigger with it).</summary>
    public const string ConsumerGroup = "tracking";

    public static IServiceCollection AddTrackingContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventing(configuration, "Tracking", TrackingJson.Default);

        // Order views kept in the store's ETag-validated per-process cache: an order's later events (reserved, authorised,
        // shipment requested...) then need no read; a row another instance changed meanwhile fails its conditional write
        // and is re-read.
        services.AddStateTable(configuration, TableNameSetting, "trackingorders", TrackingJson.Default.TrackedOrder, cacheCapacity: 20_000);
        services.AddKeyedProjection<TrackedOrder, TrackingProjection>();
        return services;
    }
}
