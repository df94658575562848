using Microsoft.Azure.Functions.Worker.Http;
using Store.Eventing.Http;

namespace Store.Tracking.Functions;

/// <summary>The order-status query, served from Tracking's own view.</summary>
public sealed class OrderQueryFunctions(TableStateStore<TrackedOrder> orders)
{
    /// <summary><c>GET /api/orders/{id}</c>: 200 with the view, or 404 problem details when no event of the order has been seen.</summary>
    [Function("Tracking_GetOrder")]
    public Task<HttpResponseData> GetOrder(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "orders/{id}")] HttpRequestData req, string id, CancellationToken cancellationToken) =>
        HttpEdge.QueryAsync(
            req,
            async ct => string.IsNullOrWhiteSpace(id) ? null
                : (await orders.FindAsync(TrackingProjection.KeyOf(id), ct).ConfigureAwait(false)) is { Facts.Count: > 0 } order ? order.View : null,
            TrackingJson.Default.OrderStatusView, "Order not found.", $"No events of order '{id}' have been tracked.", cancellationToken);
}
