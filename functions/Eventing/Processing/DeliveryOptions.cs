namespace Store.Eventing.Processing;

/// <summary>
/// The operators' way out of a blocked partition: with <c>Eventing:DeadLetterAfterAttempts:&lt;Context&gt;</c> = N, from the
/// N-th attempt of a batch on, every event that still fails is dead-lettered. Off (0) by default: with it on, an outage
/// longer than N attempts dead-letters good events too.
/// </summary>
public sealed record DeliveryOptions(int DeadLetterAfterAttempts)
{
    /// <summary>The key prefix; the context name is appended.</summary>
    public const string DeadLetterAfterAttemptsSetting = "Eventing:DeadLetterAfterAttempts";

    /// <summary>Never give up (the default).</summary>
    public static DeliveryOptions Default { get; } = new(0);

    /// <summary>Reads the context's setting; a missing, empty or non-positive value means off.</summary>
    public static DeliveryOptions From(IConfiguration configuration, string context)
    {
        var value = configuration[$"{DeadLetterAfterAttemptsSetting}:{context}"];
        return string.IsNullOrWhiteSpace(value) ? Default
            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var attempts) ? new DeliveryOptions(attempts)
            : throw new InvalidOperationException($"Setting {DeadLetterAfterAttemptsSetting}:{context} must be a whole number of attempts, not '{value}'.");
    }

    /// <summary>True when a batch on its attempt number <paramref name="retryCount"/> + 1 gives up on events that keep failing.</summary>
    public bool GivesUp(int retryCount) => DeadLetterAfterAttempts > 0 && retryCount + 1 >= DeadLetterAfterAttempts;
}
