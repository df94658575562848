using Microsoft.Azure.Functions.Worker.Http;
using Store.Eventing.Http;

namespace Store.Analytics.Functions;

/// <summary>The daily counts query, served from Analytics's own view.</summary>
public sealed class AnalyticsQueryFunctions(TableStateStore<DailyCounts> days)
{
    /// <summary><c>GET /api/analytics/daily/{day}</c> (<c>yyyy-MM-dd</c>, UTC): 200 with the counts, 404 when no event of that day was seen.</summary>
    [Function("Analytics_GetDaily")]
    public Task<HttpResponseData> GetDaily(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "analytics/daily/{day}")] HttpRequestData req, string day, CancellationToken cancellationToken) =>
        HttpEdge.QueryAsync(
            req,
            async ct => Daily.IsDay(day) && await days.FindAsync(DailyCountsProjection.KeyOf(day), ct).ConfigureAwait(false) is { } counts ? Daily.View(counts) : null,
            AnalyticsJson.Default.DailyCountsView, "Day not found.", $"Analytics has seen no event on '{day}' (a UTC day, yyyy-MM-dd).", cancellationToken);
}
