namespace Store.Analytics.Projections;

/// <summary>Keys every consumed event by its UTC day and counts it by type. Emits nothing; the kit applies each event once.</summary>
public sealed class DailyCountsProjection : IKeyedProjection<DailyCounts>
{
    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => KeyOf(Daily.DayOf(e.Event.Time));

    /// <summary>A day's row: partition the month (<c>yyyy-MM</c>), row key the day.</summary>
    public static EntityKey KeyOf(string day) => new(day[..7], day);

    /// <inheritdoc />
    public DailyCounts Initial(EntityKey key) => Daily.Empty(key.RowKey);

    /// <inheritdoc />
    public DailyCounts Apply(DailyCounts state, InboundEvent e) => Daily.Count(state, e.Event.Type);
}
