using Microsoft.Extensions.Configuration;
using Store.Payments.Reactions;

namespace Store.Payments.Tests.Decisions;

public sealed class PaymentDecisionsTests
{
    private static OrderPlaced Order(decimal total, string currency = "EUR") =>
        new("o-1", "c-1", [new OrderLine("SKU-1", 1, total)], total, currency);

    /// <summary>The decision authorizes as expected; a decline also passes <paramref name="assertReason"/>.</summary>
    private static void AssertAuthorized(PaymentDecision decision, bool authorized, Action<string?> assertReason)
    {
        Assert.Equal(authorized, decision.Authorized);
        if (!authorized)
        {
            assertReason(decision.Reason);
        }
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("4999.99", true)]
    [InlineData("5000", true)]
    [InlineData("5000.00", true)]
    [InlineData("5000.01", false)]
    [InlineData("1000000", false)]
    public void Total_at_or_below_the_default_limit_of_5000_is_authorised_and_above_it_declined(string total, bool authorized)
    {
        var decision = PaymentReaction.Decide(Order(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture)), PaymentPolicy.Default);

        AssertAuthorized(decision, authorized, reason => Assert.Contains("exceeds the authorization limit of 5000", reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("EUR", true)]
    [InlineData("USD", true)]
    [InlineData("GBP", true)]
    [InlineData("JPY", false)]
    [InlineData("CHF", false)]
    public void Only_the_default_supported_currencies_EUR_USD_GBP_are_authorised(string currency, bool authorized)
    {
        var decision = PaymentReaction.Decide(Order(10m, currency), PaymentPolicy.Default);

        AssertAuthorized(decision, authorized, reason => Assert.Equal($"currency {currency} is not supported", reason));
    }

    [Fact]
    public void Both_reasons_are_given_when_both_rules_decline()
    {
        var decision = PaymentReaction.Decide(Order(9000m, "JPY"), PaymentPolicy.Default);

        Assert.False(decision.Authorized);
        Assert.Equal("currency JPY is not supported; total 9000 JPY exceeds the authorization limit of 5000", decision.Reason);
    }

    [Fact]
    public void The_same_order_always_gets_the_same_decision()
    {
        Assert.Equal(PaymentReaction.Decide(Order(6000m), PaymentPolicy.Default), PaymentReaction.Decide(Order(6000m), PaymentPolicy.Default));
    }

    [Fact]
    public void A_configured_limit_and_currency_set_replace_the_defaults()
    {
        var policy = PaymentPolicy.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PaymentPolicy.AuthorizationLimitSetting] = "100.50",
            [PaymentPolicy.SupportedCurrenciesSetting] = " jpy , EUR ",
        }).Build());

        Assert.Equal(100.50m, policy.AuthorizationLimit);
        Assert.True(PaymentReaction.Decide(Order(100.50m, "JPY"), policy).Authorized);
        Assert.False(PaymentReaction.Decide(Order(100.51m, "JPY"), policy).Authorized);
        Assert.False(PaymentReaction.Decide(Order(1m, "USD"), policy).Authorized);
    }

    [Fact]
    public void Missing_settings_take_the_defaults()
    {
        var policy = PaymentPolicy.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Equal(5000m, policy.AuthorizationLimit);
        Assert.Equal(["EUR", "GBP", "USD"], policy.SupportedCurrencies.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    public void An_invalid_limit_fails_at_startup(string limit)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [PaymentPolicy.AuthorizationLimitSetting] = limit }).Build();

        Assert.ThrowsAny<Exception>(() => PaymentPolicy.FromConfiguration(configuration));
    }
}
