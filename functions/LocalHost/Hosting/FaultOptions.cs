namespace Store.LocalHost.Hosting;

/// <summary>
/// Injected faults, seeded so a run can be repeated: <see cref="Crash"/> is the probability that the host "crashes" after
/// a function completed (state committed, outputs published) but before the checkpoint, so the batch is delivered again;
/// <see cref="Duplicate"/> the probability that a batch is delivered twice; <see cref="PublishFail"/> the probability that
/// one Event Hubs publish fails transiently (service busy, the 503 of Event Hubs) and <see cref="TableFail"/> that one
/// Table storage request fails with 503, in trigger, timer and HTTP functions alike (see <see cref="FaultInjector"/>).
/// </summary>
public sealed record FaultOptions(double Crash, double Duplicate, double PublishFail = 0, double TableFail = 0)
{
    /// <summary>No faults.</summary>
    public static FaultOptions None { get; } = new(0, 0);

    /// <summary>True when any fault is injected.</summary>
    public bool Any => Crash > 0 || Duplicate > 0 || PublishFail > 0 || TableFail > 0;

    /// <summary>
    /// Parses "crash=0.3,duplicate=0.2,publish-fail=0.3,table-fail=0.1" (every part optional); throws
    /// <see cref="FormatException"/> with a clear message.
    /// </summary>
    public static FaultOptions Parse(string text)
    {
        double crash = 0, duplicate = 0, publishFail = 0, tableFail = 0;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p < 0 || p >= 1)
            {
                throw new FormatException($"--faults: '{part}' is not <kind>=<probability> with 0 <= probability < 1.");
            }

            switch (pair[0].ToLowerInvariant())
            {
                case "crash":
                    crash = p;
                    break;
                case "duplicate":
                    duplicate = p;
                    break;
                case "publish-fail":
                    publishFail = p;
                    break;
                case "table-fail":
                    tableFail = p;
                    break;
                default:
                    throw new FormatException($"--faults: unknown fault '{pair[0]}' (known: crash, duplicate, publish-fail, table-fail).");
            }
        }

        return new FaultOptions(crash, duplicate, publishFail, tableFail);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"crash={Crash},duplicate={Duplicate},publish-fail={PublishFail},table-fail={TableFail}");
}
