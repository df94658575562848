using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Store.Eventing.Processing;
using Store.Tracking.Events;
using Store.Tracking.State;

namespace Store.Tracking.Functions;

/// <summary>The order-status query, served from Tracking's own view.</summary>
public sealed class OrderQueryFunctions(TrackingProcessor processor)
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
            view = string.IsNullOrWhiteSpace(id) ? null : await processor.FindAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            var unavailable = new ProblemDetails("https://httpstatuses.io/503", "Tracking is temporarily unavailable", 503, "Its storage did not answer; retry later.");
            var response = await WriteAsync(req, HttpStatusCode.ServiceUnavailable, "application/problem+json", JsonSerializer.SerializeToUtf8Bytes(unavailable, TrackingJson.Default.ProblemDetails), cancellationToken).ConfigureAwait(false);
            response.Headers.Add("Retry-After", "2");
            return response;
        }

        if (view is null)
        {
            var problem = new ProblemDetails("https://httpstatuses.io/404", "Order not found", 404, $"No events of order '{id}' have been tracked.");
            return await WriteAsync(req, HttpStatusCode.NotFound, "application/problem+json", JsonSerializer.SerializeToUtf8Bytes(problem, TrackingJson.Default.ProblemDetails), cancellationToken).ConfigureAwait(false);
        }

        return await WriteAsync(req, HttpStatusCode.OK, "application/json", JsonSerializer.SerializeToUtf8Bytes(view, TrackingJson.Default.OrderStatusView), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HttpResponseData> WriteAsync(HttpRequestData req, HttpStatusCode status, string contentType, byte[] body, CancellationToken ct)
    {
        var response = req.CreateResponse(status);
        response.Headers.Add("Content-Type", contentType + "; charset=utf-8");
        await response.Body.WriteAsync(body, ct).ConfigureAwait(false);
        return response;
    }
}
