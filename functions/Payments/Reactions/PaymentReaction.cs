using Store.Eventing.Publishing;

namespace Store.Payments.Reactions;

/// <summary>The outcome of the authorisation rule: authorised, or declined with the reason.</summary>
public sealed record PaymentDecision(string? Reason)
{
    public bool Authorized => Reason is null;
}

/// <summary>Payments' reaction: a deterministic function of the order-placed event alone and the configured policy.</summary>
public static class PaymentReaction
{
    /// <summary>Declines when the currency is unsupported or the total is above the limit (both reasons when both hold); otherwise authorises.</summary>
    public static PaymentDecision Decide(OrderPlaced order, PaymentPolicy policy)
    {
        var reasons = new List<string>(2);
        if (!policy.SupportedCurrencies.Contains(order.Currency))
        {
            reasons.Add($"currency {order.Currency} is not supported");
        }

        if (order.Total > policy.AuthorizationLimit)
        {
            reasons.Add(FormattableString.Invariant($"total {order.Total} {order.Currency} exceeds the authorization limit of {policy.AuthorizationLimit}"));
        }

        return new PaymentDecision(reasons.Count == 0 ? null : string.Join("; ", reasons));
    }

    /// <summary>Maps an order-placed event to its payment event (id, time and trace from the input: redelivery yields the same bytes).</summary>
    public static Reaction React(InboundEvent e, PaymentPolicy policy)
    {
        var order = e.DataAs<OrderPlaced>();

        // The schema caps the reason at 200 characters; a long currency code cannot occur (schema: 3 letters), but stay safe.
        var output = Decide(order, policy).Reason is { } reason
            ? new Emit(new PaymentDeclined(order.OrderId, order.CustomerId, order.Total, order.Currency, reason[..Math.Min(reason.Length, 200)]), "payment-declined")
            : new Emit(new PaymentAuthorized(order.OrderId, order.CustomerId, order.Total, order.Currency), "payment-authorized");
        return Reaction.Emits(output);
    }
}
