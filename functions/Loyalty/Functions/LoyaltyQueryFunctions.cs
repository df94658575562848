using Microsoft.Azure.Functions.Worker.Http;
using Store.Eventing.Http;

namespace Store.Loyalty.Functions;

/// <summary>The customer loyalty query, served from Loyalty's own view.</summary>
public sealed class LoyaltyQueryFunctions(TableStateStore<CustomerLoyalty> customers)
{
    /// <summary><c>GET /api/customers/{id}/loyalty</c>: points and tier, 404 when Loyalty has never seen the customer.</summary>
    [Function("Loyalty_GetCustomer")]
    public Task<HttpResponseData> GetCustomer(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "customers/{id}/loyalty")] HttpRequestData req, string id, CancellationToken cancellationToken) =>
        HttpEdge.QueryAsync(
            req,
            async ct => (await customers.FindAsync(LoyaltyDecider.KeyOf(id), ct).ConfigureAwait(false)) is { } state
                ? new CustomerLoyaltyView(state.CustomerId, state.Points, state.Tier) : null,
            LoyaltyJson.Default.CustomerLoyaltyView, "Customer not found.", $"Customer '{id}' is unknown to Loyalty.", cancellationToken);
}
