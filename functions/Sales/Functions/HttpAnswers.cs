using System.Net;

namespace Store.Sales.Functions;

/// <summary>Sales' HTTP answers and body rules; the kit's <see cref="HttpEdge"/> reads bodies and writes problem details.</summary>
internal static class HttpAnswers
{
    /// <summary>
    /// A place-order body: at most 100 lines of ids of at most 128 characters, with room for every character escaped
    /// as \uXXXX, is well under 256 KiB.
    /// </summary>
    public static readonly BodyRules PlaceOrderBody = new(256 * 1024);

    /// <summary>A cancel body: optional, with a reason of at most 500 characters.</summary>
    public static readonly BodyRules CancelBody = new(16 * 1024, Required: false);

    public static Task<HttpResponseData> AcceptedAsync(HttpRequestData req, string orderId, string status, CancellationToken ct) =>
        HttpEdge.JsonAsync(req, HttpStatusCode.Accepted, JsonSerializer.SerializeToUtf8Bytes(new OrderAnswer(orderId, status), SalesJson.Default.OrderAnswer), ct,
            ("Location", "/api/orders/" + Uri.EscapeDataString(orderId)));

    public static Task<HttpResponseData> NotFoundAsync(HttpRequestData req, string orderId, CancellationToken ct) =>
        HttpEdge.NotFoundAsync(req, "Order not found.", $"There is no order '{orderId}'.", ct);
}
