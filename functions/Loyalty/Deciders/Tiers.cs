namespace Store.Loyalty.Deciders;

/// <summary>Loyalty tiers and their thresholds: Bronze &lt; 1000 &lt;= Silver &lt; 5000 &lt;= Gold.</summary>
public static class Tiers
{
    public const string Bronze = "Bronze";
    public const string Silver = "Silver";
    public const string Gold = "Gold";

    public const long SilverThreshold = 1000;

    public const long GoldThreshold = 5000;

    /// <summary>The thresholds above Bronze, lowest first, with the tier below and the tier reached.</summary>
    public static IReadOnlyList<(long Threshold, string Below, string Reached)> Crossings { get; } =
    [
        (SilverThreshold, Bronze, Silver),
        (GoldThreshold, Silver, Gold),
    ];

    /// <summary>The tier of a points balance: the one reached at the highest threshold it is at or above.</summary>
    public static string For(long points) => Crossings.Where(c => points >= c.Threshold).Select(c => c.Reached).LastOrDefault(Bronze);
}
