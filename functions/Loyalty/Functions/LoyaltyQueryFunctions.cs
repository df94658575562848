using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Store.Eventing.Http;
using Store.Eventing.Processing;
using Store.Eventing.State;
using Store.Loyalty.Events;
using Store.Loyalty.State;

namespace Store.Loyalty.Functions;

/// <summary>The customer loyalty query, served from Loyalty's own view.</summary>
public sealed class LoyaltyQueryFunctions(TableStateStore<CustomerLoyalty> customers)
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
            state = await customers.FindAsync(LoyaltyProjection.KeyOf(id), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            return await HttpEdge.UnavailableAsync(req, cancellationToken).ConfigureAwait(false);
        }

        if (state is null)
        {
            return await HttpEdge.NotFoundAsync(req, "Customer not found.", $"Customer '{id}' is unknown to Loyalty.", cancellationToken).ConfigureAwait(false);
        }

        return await HttpEdge.JsonAsync(req, HttpStatusCode.OK, JsonSerializer.SerializeToUtf8Bytes(
            new CustomerLoyaltyView(state.CustomerId, state.Points, state.Tier), LoyaltyJson.Default.CustomerLoyaltyView), cancellationToken).ConfigureAwait(false);
    }
}
