using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Analytics;

/// <summary>The Analytics context's services; used by Program.cs and by the local host.</summary>
public static class AnalyticsRegistration
{
    /// <summary>Setting naming the state table (default <c>analyticsdaily</c>).</summary>
    public const string TableNameSetting = "Analytics:DailyTable";

    /// <summary>Analytics's consumer group, as in schemas/catalog.json (a contract test compares every trigger with it).</summary>
    public const string ConsumerGroup = "analytics";

    public static IServiceCollection AddAnalyticsContext(this IServiceCollection services, IConfiguration configuration)
    {
        // The event types it reads: Events/ConsumedEvents.cs, one record per type of the consumed hubs.
        services.AddEventing(configuration, "Analytics", ConsumedEventsJson.Default);
        services.AddStateTable(configuration, TableNameSetting, "analyticsdaily", AnalyticsJson.Default.DailyCounts);
        services.AddKeyedProjection<DailyCounts, DailyCountsProjection>();
        return services;
    }
}
