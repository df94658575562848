namespace Store.Analytics.State;

/// <summary>The stored row of one UTC day: how many distinct events of each type happened that day, types in ordinal order.</summary>
public sealed record DailyCounts(string Day, IReadOnlyList<TypeCount> ByType);

/// <summary>How many events of one CloudEvents type.</summary>
public sealed record TypeCount(string Type, long Count);

/// <summary>The answer of <c>GET /api/analytics/daily/{day}</c>.</summary>
public sealed record DailyCountsView(string Day, long Total, IReadOnlyList<TypeCount> ByType);
