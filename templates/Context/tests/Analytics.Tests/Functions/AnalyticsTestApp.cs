using Store.Analytics.Functions;

namespace Store.Analytics.Tests.Functions;

/// <summary>Analytics's app for tests: the shared <see cref="TestApp"/> over a fresh table, with sample events of the consumed hubs.</summary>
public static class AnalyticsTestApp
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Every hub Analytics consumes (from the catalog) with one event type it carries.</summary>
    public static IReadOnlyList<(string Hub, string Type)> Consumed { get; } =
        [.. EventCatalog.Current.HubsConsumedBy("Analytics").Select(h => (h.Hub, EventCatalog.Current.Stream(h.Hub).Stream.Events[0]))];

    /// <summary>The type an event is counted under: a superseded version is read (upcast) as the newest version.</summary>
    public static string CountedAs(string type) =>
        EventCatalog.Current.EventTypes.Single(t => t.Type == type).SupersededBy is { } newer ? CountedAs(newer) : type;

    public static TestApp Create(AzuriteFixture azurite) => new(AnalyticsRegistration.AddAnalyticsContext, azurite.ConnectionString,
        new Dictionary<string, string?> { [AnalyticsRegistration.TableNameSetting] = azurite.NewTable("analytics").Name });

    /// <summary>A CloudEvent of <paramref name="type"/> with the catalog's valid sample data (tests/TestSupport/SchemaSamples).</summary>
    public static byte[] Event(string type, string id, DateTimeOffset time) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = "/tests",
            ["type"] = type,
            ["subject"] = "s-1",
            ["time"] = time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
            ["data"] = JsonNode.Parse(SchemaSamples.Valid[type]),
        });

    public static async Task<(int Status, string Body)> GetDailyAsync(this TestApp app, string day)
    {
        var request = TestApp.Request("Analytics_GetDaily", "GET", "/api/analytics/daily/" + Uri.EscapeDataString(day));
        var response = (InMemoryHttpResponse)await app.Get<AnalyticsQueryFunctions>().GetDaily(request, day, CancellationToken.None);
        return ((int)response.StatusCode, response.ReadBody());
    }

    /// <summary>The served counts of <paramref name="day"/> by type (empty when the day is unknown).</summary>
    public static async Task<Dictionary<string, long>> CountsAsync(this TestApp app, string day)
    {
        var (status, body) = await app.GetDailyAsync(day);
        if (status == 404)
        {
            return [];
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("byType").EnumerateArray()
            .ToDictionary(c => c.GetProperty("type").GetString()!, c => c.GetProperty("count").GetInt64(), StringComparer.Ordinal);
    }
}
