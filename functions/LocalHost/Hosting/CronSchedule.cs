using NCrontab;

namespace Store.LocalHost.Hosting;

/// <summary>
/// A timer trigger's schedule, read as the Functions timer trigger reads it: six-field NCRONTAB with seconds
/// ("second minute hour day month day-of-week"), in UTC (the Functions host's default without WEBSITE_TIME_ZONE).
/// </summary>
public sealed class CronSchedule
{
    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };
    private readonly CrontabSchedule _schedule;

    private CronSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
    }

    /// <summary>The expression.</summary>
    public string Expression { get; }

    /// <summary>Parses an expression; throws <see cref="FormatException"/> saying what is wrong with it.</summary>
    public static CronSchedule Parse(string expression)
    {
        try
        {
            return new CronSchedule(expression, CrontabSchedule.Parse(expression, WithSeconds));
        }
        catch (CrontabException ex)
        {
            throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression (second minute hour day month day-of-week): {ex.Message}", ex);
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC, whole seconds).</summary>
    public DateTimeOffset Next(DateTimeOffset after) =>
        new(DateTime.SpecifyKind(_schedule.GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));
}
