using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Store.Eventing.Http;
using Store.Eventing.Processing;
using Store.Eventing.State;
using Store.Tracking.Events;
using Store.Tracking.State;

namespace Store.Tracking.Functions;

/// <summary>The order-status query, served from Tracking's own view.</summary>
public sealed class OrderQueryFunctions(TableStateStore<TrackedOrder> orders)
{
    /// <summary><c>GET /api/orders/{id}</c>: 200 with the view, or 404 problem details when no event of the order has been seen.</summary>
    [Function("Tracking_GetOrder")]
    public async Task<HttpResponseData> GetOrder(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "orders/{id}")] HttpRequestData req,
        string id,
        CancellationToken cancellationToken)
    {
        OrderStatusView? view;
        try
        {
            view = string.IsNullOrWhiteSpace(id) ? null
                : (await orders.FindAsync(TrackingProjection.KeyOf(id), cancellationToken).ConfigureAwait(false)) is { Facts.Count: > 0 } order ? order.View : null;
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            return await HttpEdge.UnavailableAsync(req, cancellationToken).ConfigureAwait(false);
        }

        if (view is null)
        {
            return await HttpEdge.NotFoundAsync(req, "Order not found.", $"No events of order '{id}' have been tracked.", cancellationToken).ConfigureAwait(false);
        }

        return await HttpEdge.JsonAsync(req, HttpStatusCode.OK, JsonSerializer.SerializeToUtf8Bytes(view, TrackingJson.Default.OrderStatusView), cancellationToken).ConfigureAwait(false);
    }
}
