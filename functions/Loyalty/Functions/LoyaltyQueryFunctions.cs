using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Store.Eventing.Processing;
using Store.Loyalty.Events;
using Store.Loyalty.State;

namespace Store.Loyalty.Functions;

/// <summary>The customer loyalty query, served from Loyalty's own view.</summary>
public sealed class LoyaltyQueryFunctions(LoyaltyProcessor processor)
{
    /// <summary><c>GET /api/customers/{id}/loyalty</c>: points and tier, 404 when Loyalty has never seen the customer.</summary>
    [Function("Loyalty_GetCustomer")]
    public async Task<HttpResponseData> GetCustomer(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "customers/{id}/loyalty")] HttpRequestData req,
        string id,
        CancellationToken cancellationToken)
    {
        CustomerLoyalty? state;
        try
        {
            state = await processor.FindAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            var unavailable = req.CreateResponse(HttpStatusCode.ServiceUnavailable);
            unavailable.Headers.Add("Content-Type", "application/problem+json");
            unavailable.Headers.Add("Retry-After", "2");
            await unavailable.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(
                new ProblemDetails("https://httpstatuses.io/503", "Loyalty's storage is temporarily unavailable; retry later.", 503), LoyaltyJson.Default.ProblemDetails), cancellationToken).ConfigureAwait(false);
            return unavailable;
        }

        if (state is null)
        {
            var notFound = req.CreateResponse(HttpStatusCode.NotFound);
            notFound.Headers.Add("Content-Type", "application/problem+json");
            await notFound.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(
                new ProblemDetails("https://httpstatuses.io/404", $"Customer '{id}' is unknown to Loyalty.", 404), LoyaltyJson.Default.ProblemDetails), cancellationToken).ConfigureAwait(false);
            return notFound;
        }

        var response = req.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(
            new CustomerLoyaltyView(state.CustomerId, state.Points, state.Tier), LoyaltyJson.Default.CustomerLoyaltyView), cancellationToken).ConfigureAwait(false);
        return response;
    }
}
