using System.Globalization;

namespace Store.Analytics.Projections;

/// <summary>The daily counts as pure functions: which day an event belongs to, counting it, and the served view.</summary>
public static class Daily
{
    /// <summary>The UTC day of an event's CloudEvents <c>time</c>, as <c>yyyy-MM-dd</c>.</summary>
    public static string DayOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>True for a <c>yyyy-MM-dd</c> calendar date.</summary>
    public static bool IsDay(string? day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public static DailyCounts Empty(string day) => new(day, []);

    /// <summary>One more event of <paramref name="type"/>; the list stays sorted by type, so equal sets of events store equal rows.</summary>
    public static DailyCounts Count(DailyCounts state, string type)
    {
        var current = state.ByType.FirstOrDefault(c => c.Type == type)?.Count ?? 0;
        return state with
        {
            ByType = [.. state.ByType.Where(c => c.Type != type).Append(new TypeCount(type, current + 1)).OrderBy(c => c.Type, StringComparer.Ordinal)],
        };
    }

    public static DailyCountsView View(DailyCounts state) => new(state.Day, state.ByType.Sum(c => c.Count), state.ByType);
}
