using System.Text.Json;

namespace Store.Analytics.Events;

/// <summary>
/// Source-generated JSON for Analytics's state and answers; Events/ConsumedEvents.cs adds the records of the consumed
/// event types to this same context.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DailyCounts))]
[JsonSerializable(typeof(DailyCountsView))]
public sealed partial class AnalyticsJson : JsonSerializerContext;
