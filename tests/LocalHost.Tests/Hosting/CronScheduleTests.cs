namespace Store.LocalHost.Tests.Hosting;

/// <summary>Timer schedules are read in the Functions timer trigger's dialect: six-field NCRONTAB with seconds, UTC.</summary>
public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EveryTimerFunctionTheContextsDeclare_HasASchedule_ThatParsesAndFiresWithinADay()
    {
        var timers = ContextRegistration.All.SelectMany(c => FunctionDiscovery.Discover(c.Name, c.Assembly)).Where(f => f.Timer is not null).ToList();

        Assert.NotEmpty(timers);
        Assert.All(timers, t => Assert.InRange(CronSchedule.Parse(t.Timer!.Schedule).Next(Noon), Noon.AddSeconds(1), Noon.AddDays(1)));
    }

    [Theory]
    [InlineData("2026-03-31T12:00:10Z", "2026-03-31T12:00:30Z")]
    [InlineData("2026-03-31T12:00:30Z", "2026-03-31T12:01:30Z")]
    [InlineData("2026-03-31T12:00:29.999Z", "2026-03-31T12:00:30Z")]
    [InlineData("2026-12-31T23:59:45Z", "2027-01-01T00:00:30Z")]
    public void TheOutboxRelaySchedule_FiresAtSecond30OfEveryMinute_StrictlyAfterTheGivenTime(string after, string expected)
    {
        var schedule = CronSchedule.Parse(Store.Eventing.Outbox.OutboxRelay.Schedule);

        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), schedule.Next(DateTimeOffset.Parse(after, CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("0 */5 * * * *", "2026-03-31T12:03:07Z", "2026-03-31T12:05:00Z")]
    [InlineData("0 0 9-17/4 * * 1-5", "2026-04-03T18:00:00Z", "2026-04-06T09:00:00Z")]
    [InlineData("15,45 30 2 1 * *", "2026-03-31T12:00:00Z", "2026-04-01T02:30:15Z")]
    public void Ranges_Steps_Lists_AndDaysOfTheWeek_FollowNcrontab(string expression, string after, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), CronSchedule.Parse(expression).Next(DateTimeOffset.Parse(after, CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("* * * * *")]
    [InlineData("61 * * * * *")]
    [InlineData("every minute")]
    public void AnExpressionThatIsNotSixFieldNcrontab_IsRejected_NamingIt(string expression)
    {
        var ex = Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));

        Assert.Contains(expression, ex.Message, StringComparison.Ordinal);
    }
}
