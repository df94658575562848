namespace Store.LocalHost.Hosting;

/// <summary>
/// A six-field NCRONTAB expression as the Functions timer trigger reads it ("second minute hour day month day-of-week",
/// UTC): each field is <c>*</c>, a number, a range <c>a-b</c>, a step <c>*/n</c> or <c>a-b/n</c>, or a comma list of those.
/// </summary>
public sealed class CronSchedule
{
    private static readonly (int Min, int Max)[] Ranges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
    private readonly bool[][] _fields;

    private CronSchedule(string expression, bool[][] fields)
    {
        Expression = expression;
        _fields = fields;
    }

    /// <summary>The expression.</summary>
    public string Expression { get; }

    /// <summary>Parses an expression; throws <see cref="FormatException"/> naming the bad field.</summary>
    public static CronSchedule Parse(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression (second minute hour day month day-of-week).");
        }

        var fields = new bool[6][];
        for (var f = 0; f < 6; f++)
        {
            var (min, max) = Ranges[f];
            var set = fields[f] = new bool[max + 1];
            foreach (var item in parts[f].Split(','))
            {
                var step = 1;
                var range = item;
                var slash = item.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0)
                {
                    step = Number(item[(slash + 1)..], 1, max + 1, expression);
                    range = item[..slash];
                }

                int from, to;
                if (range == "*")
                {
                    (from, to) = (min, max);
                }
                else if (range.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
                {
                    (from, to) = (Number(range[..dash], min, max, expression), Number(range[(dash + 1)..], min, max, expression));
                }
                else
                {
                    from = Number(range, min, max, expression);
                    to = slash >= 0 ? max : from;
                }

                for (var v = from; v <= to; v += step)
                {
                    set[v] = true;
                }
            }
        }

        return new CronSchedule(expression, fields);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC, whole seconds).</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        var t = new DateTime(after.UtcDateTime.Ticks - (after.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_fields[4][t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            }
            else if (!_fields[3][t.Day] || !_fields[5][(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
            }
            else if (!_fields[2][t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!_fields[1][t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
            }
            else if (!_fields[0][t.Second])
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return new DateTimeOffset(t);
            }
        }

        throw new InvalidOperationException($"'{Expression}' has no occurrence in five years.");
    }

    private static int Number(string text, int min, int max, string expression) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"'{text}' in '{expression}' is not a number in {min}..{max}.");
}
