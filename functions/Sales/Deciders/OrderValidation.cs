namespace Store.Sales.Deciders;

/// <summary>
/// Validates Sales ingress requests. Pure: every error is reported, not just the first. The request schemas in
/// <c>schemas/http/</c> hold the rules of each field; Sales adds what a schema cannot say (a total too large for a
/// decimal, a blank reason meaning none).
/// </summary>
public static class OrderValidation
{
    private static readonly RequestContract<PlaceOrder> PlaceOrderContract = new("place-order.request.json", SalesRequestJson.Default.PlaceOrder);
    private static readonly RequestContract<CancelOrder> CancelContract = new("cancel-order.request.json", SalesRequestJson.Default.CancelOrder);

    /// <summary>
    /// True when <paramref name="orderId"/> can be an order id by the place-order schema's rule (non-blank, at most 128
    /// characters, none of the characters Azure Tables forbids in keys, no line separators): for an id that arrives in a route.
    /// </summary>
    public static bool IsValidOrderId(string? orderId) => orderId is not null && PlaceOrderContract.Accepts("orderId", orderId);

    /// <summary>Validates a place-order body.</summary>
    public static Validated<PlaceOrder> ValidatePlaceOrder(JsonElement body)
    {
        var validated = PlaceOrderContract.Bind(body);
        return validated.Value is { } order && TotalOf(order.Lines) is null ? Validated<PlaceOrder>.Invalid("lines", "The order total is too large.") : validated;
    }

    /// <summary>Validates an optional cancel body ({"reason": "..."}); a missing body, or a missing or blank reason, means no reason.</summary>
    public static Validated<CancelOrder> ValidateCancel(string orderId, JsonElement? body)
    {
        if (body is not { } json)
        {
            return new(new CancelOrder(orderId, null), new Dictionary<string, string[]>());
        }

        var validated = CancelContract.Bind(json);
        return validated.Value is { } cancel
            ? validated with { Value = cancel with { OrderId = orderId, Reason = string.IsNullOrWhiteSpace(cancel.Reason) ? null : cancel.Reason } }
            : validated;
    }

    /// <summary>Sum of quantity × unit price rounded to 2 places (midpoint away from zero); null when it overflows.</summary>
    public static decimal? TotalOf(IEnumerable<OrderLine> lines)
    {
        try
        {
            var sum = 0m;
            foreach (var line in lines)
            {
                sum += line.Quantity * line.UnitPrice;
            }

            return Math.Round(sum, 2, MidpointRounding.AwayFromZero);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}

/// <summary>A validated request to cancel an order (the body carries only the reason; the id is the route's).</summary>
public sealed record CancelOrder(string OrderId, string? Reason);

/// <summary>Binding of the request bodies: names match as the schema checks them (case-sensitive); a whole number written as 2.0 is a quantity too.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNameCaseInsensitive = false, Converters = [typeof(WholeNumberConverter)])]
[JsonSerializable(typeof(PlaceOrder))]
[JsonSerializable(typeof(CancelOrder))]
internal sealed partial class SalesRequestJson : JsonSerializerContext;
