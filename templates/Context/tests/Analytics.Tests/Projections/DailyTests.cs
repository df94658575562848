namespace Store.Analytics.Tests.Projections;

public sealed class DailyTests
{
    [Fact]
    public void DayOf_IsTheUtcDayOfTheEventTime()
    {
        Assert.Equal("2026-03-01", Daily.DayOf(new DateTimeOffset(2026, 3, 2, 0, 30, 0, TimeSpan.FromHours(2))));
        Assert.Equal("2026-03-02", Daily.DayOf(new DateTimeOffset(2026, 3, 2, 0, 30, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("2026-03-01", true)]
    [InlineData("2026-02-30", false)]
    [InlineData("2026-3-1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsDay_AcceptsOnlyCalendarDatesAsYyyyMmDd(string? day, bool expected) => Assert.Equal(expected, Daily.IsDay(day));

    [Fact]
    public void Count_AddsOnePerEventOfAType_TypesSortedWhateverTheOrder()
    {
        var ab = Daily.Count(Daily.Count(Daily.Count(Daily.Empty("2026-03-01"), "b.x.v1"), "a.y.v1"), "b.x.v1");
        var ba = Daily.Count(Daily.Count(Daily.Count(Daily.Empty("2026-03-01"), "a.y.v1"), "b.x.v1"), "b.x.v1");

        Assert.Equal([new TypeCount("a.y.v1", 1), new TypeCount("b.x.v1", 2)], ab.ByType);
        Assert.Equal(ab.ByType, ba.ByType);
    }

    [Fact]
    public void View_TotalsEveryType()
    {
        var view = Daily.View(Daily.Count(Daily.Count(Daily.Empty("2026-03-01"), "a.y.v1"), "b.x.v1"));

        Assert.Equal("2026-03-01", view.Day);
        Assert.Equal(2, view.Total);
        Assert.Equal([new TypeCount("a.y.v1", 1), new TypeCount("b.x.v1", 1)], view.ByType);
    }

    [Fact]
    public void KeyOf_PartitionsDaysByMonth() =>
        Assert.Equal(new("2026-03", "2026-03-01"), DailyCountsProjection.KeyOf("2026-03-01"));
}
