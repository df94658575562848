using System.Security.Cryptography;
using System.Text;
using Store.Eventing.Http;

namespace Store.Sales.Tests.Decisions;

/// <summary>The optional shipping address of <c>POST /api/orders</c>: bound when valid, every bad field named, and part of the request's identity.</summary>
public sealed class ShippingAddressTests
{
    private const string Address = """{"recipient":"Ann Example","line1":"Main Street 1","line2":"Floor 3","city":"Bonn","postalCode":"53111","country":"DE"}""";

    private static Validated<PlaceOrder> Validate(string? address)
    {
        var json = $$"""{"orderId":"o-1","customerId":"c-1","lines":[{"sku":"S","quantity":1,"unitPrice":1}],"currency":"EUR"{{(address is null ? "" : ",\"shippingAddress\":" + address)}}}""";
        using var doc = JsonDocument.Parse(json);
        return OrderValidation.ValidatePlaceOrder(doc.RootElement.Clone());
    }

    [Fact]
    public void A_valid_address_is_bound_and_an_order_without_one_has_none()
    {
        Assert.Equal(new ShippingAddress("Ann Example", "Main Street 1", "Floor 3", "Bonn", "53111", "DE"), Validate(Address).Value!.ShippingAddress);
        Assert.Null(Validate(null).Value!.ShippingAddress);
    }

    [Theory]
    [InlineData("""{"recipient":"A","line1":"L","city":"C","postalCode":"1","country":"de"}""", "shippingAddress.country", "ISO 3166-1 alpha-2")]
    [InlineData("""{"recipient":"A","line1":"L","city":"C","postalCode":"1","country":"XX"}""", "shippingAddress.country", "ISO 3166-1 alpha-2")]
    [InlineData("""{"recipient":"A","line1":"L","city":"C","postalCode":"1"}""", "shippingAddress.country", "")]
    [InlineData("""{"recipient":" ","line1":"L","city":"C","postalCode":"1","country":"DE"}""", "shippingAddress.recipient", "blank")]
    [InlineData("""{"recipient":"A","line1":"L","line2":"","city":"C","postalCode":"1","country":"DE"}""", "shippingAddress.line2", "")]
    [InlineData("""{"recipient":"A","line1":"L","city":"C","postalCode":"123456789012345678901","country":"DE"}""", "shippingAddress.postalCode", "")]
    [InlineData("null", "shippingAddress", "")]
    [InlineData("\"Main Street 1, Bonn\"", "shippingAddress", "")]
    public void A_bad_address_is_rejected_naming_the_field(string address, string field, string message)
    {
        var result = Validate(address);

        Assert.False(result.IsValid);
        Assert.Equal([field], result.Errors.Keys);
        Assert.Contains(message, result.Errors[field][0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_order_without_an_address_hashes_as_orders_did_before_addresses_existed()
    {
        // The canonical form of an order accepted before v2, so a client's retry of it is still recognised (202, not 409).
        var before = """{"orderId":"o-1","customerId":"c-1","currency":"EUR","lines":[{"sku":"S","quantity":1,"unitPrice":"1"}]}""";

        var order = Validate(null).Value!;

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(before))), order.CanonicalHash());
        Assert.NotEqual(order.CanonicalHash(), Validate(Address).Value!.CanonicalHash());
        Assert.NotEqual(Validate(Address).Value!.CanonicalHash(), Validate(Address.Replace("Bonn", "Köln", StringComparison.Ordinal)).Value!.CanonicalHash());
    }
}
