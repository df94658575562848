using System.Globalization;
using System.Security.Cryptography;

namespace Store.Sales.Deciders;

/// <summary>A validated request to place an order.</summary>
public sealed record PlaceOrder(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, string Currency, ShippingAddress? ShippingAddress = null)
{
    /// <summary>Sum of quantity × unit price, rounded to 2 decimal places (midpoint away from zero).</summary>
    public decimal Total => OrderValidation.TotalOf(Lines) ?? throw new OverflowException("Order total does not fit in a decimal.");

    /// <summary>
    /// A hash of the order's canonical form: the same order sent again with other whitespace, property order,
    /// number notation (10, 10.0, 1e1) or extra unknown properties hashes the same; any change of a value or of the
    /// line order does not. An order without a shipping address hashes as before addresses existed, so a client's
    /// retry of an order accepted before them is still recognised.
    /// </summary>
    public string CanonicalHash()
    {
        var canonical = new CanonicalOrder(
            OrderId,
            CustomerId,
            Currency,
            Lines.Select(l => new CanonicalLine(l.Sku, l.Quantity, Normalize(l.UnitPrice))).ToArray(),
            ShippingAddress);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(canonical, SalesJson.Default.CanonicalOrder);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    // "G29" drops trailing zeros of a decimal, so 10, 10.0 and 10.00 have one representation.
    private static string Normalize(decimal value) => value.ToString("G29", CultureInfo.InvariantCulture);
}

/// <summary>The canonical form of an order, hashed to recognise a repeated request.</summary>
public sealed record CanonicalOrder(
    string OrderId,
    string CustomerId,
    string Currency,
    IReadOnlyList<CanonicalLine> Lines,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ShippingAddress? ShippingAddress);

/// <summary>A line in canonical form.</summary>
public sealed record CanonicalLine(string Sku, int Quantity, string UnitPrice);
