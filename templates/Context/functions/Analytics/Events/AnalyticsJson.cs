using System.Text.Json;

namespace Store.Analytics.Events;

/// <summary>Source-generated JSON for Analytics's state and answers (the consumed events: Events/ConsumedEvents.cs).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DailyCounts))]
[JsonSerializable(typeof(DailyCountsView))]
public sealed partial class AnalyticsJson : JsonSerializerContext;
