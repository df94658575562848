using System.Collections.Frozen;
using System.Globalization;

namespace Store.Payments.Reactions;

/// <summary>The authorisation rule's parameters: orders above <see cref="AuthorizationLimit"/> or in other currencies are declined.</summary>
public sealed record PaymentPolicy(decimal AuthorizationLimit, FrozenSet<string> SupportedCurrencies)
{
    /// <summary>Setting for the limit (inclusive: a total equal to it is authorised).</summary>
    public const string AuthorizationLimitSetting = "Payments:AuthorizationLimit";

    /// <summary>Setting for the comma-separated supported currencies.</summary>
    public const string SupportedCurrenciesSetting = "Payments:SupportedCurrencies";

    public const decimal DefaultAuthorizationLimit = 5000m;

    public const string DefaultSupportedCurrencies = "EUR,USD,GBP";

    public static PaymentPolicy Default { get; } = Create(DefaultAuthorizationLimit, DefaultSupportedCurrencies);

    /// <summary>Creates a policy from a limit and a comma-separated currency list.</summary>
    public static PaymentPolicy Create(decimal limit, string currencies)
    {
        if (limit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The authorization limit must be zero or more.");
        }

        var set = currencies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.ToUpperInvariant())
            .ToFrozenSet(StringComparer.Ordinal);
        return new PaymentPolicy(limit, set);
    }

    /// <summary>Reads the policy from configuration; missing settings take the defaults, invalid ones fail at startup.</summary>
    public static PaymentPolicy FromConfiguration(IConfiguration configuration)
    {
        var limitText = configuration[AuthorizationLimitSetting];
        var limit = DefaultAuthorizationLimit;
        if (!string.IsNullOrWhiteSpace(limitText) && !decimal.TryParse(limitText, NumberStyles.Number, CultureInfo.InvariantCulture, out limit))
        {
            throw new InvalidOperationException($"Setting '{AuthorizationLimitSetting}' must be a number (invariant culture), got '{limitText}'.");
        }

        var currencies = configuration[SupportedCurrenciesSetting];
        return Create(limit, string.IsNullOrWhiteSpace(currencies) ? DefaultSupportedCurrencies : currencies);
    }
}
