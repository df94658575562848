namespace Store.Sales.Functions;

/// <summary>
/// <c>POST /api/orders/{id}/cancel</c>: requests the cancellation of an accepted order not known to have shipped, publishing
/// <c>sales.order-cancelled.v1</c> once; 202 "cancellation-requested" (Fulfillment decides: withdrawn, or rejected as already shipped).
/// </summary>
public sealed partial class CancelOrderFunction(EntityCommands<OrderState> orders, TimeProvider time, ILogger<CancelOrderFunction> logger)
{
    [Function("Sales_CancelOrder")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "orders/{id}/cancel")] HttpRequestData req,
        string id,
        CancellationToken cancellationToken)
    {
        // An id that cannot be an order id names no order.
        if (!OrderValidation.IsValidOrderId(id))
        {
            return await HttpAnswers.NotFoundAsync(req, id, cancellationToken).ConfigureAwait(false);
        }

        var (command, rejected) = await HttpEdge.ReadCommandAsync(req, HttpAnswers.CancelBody, body => OrderValidation.ValidateCancel(id, body), cancellationToken).ConfigureAwait(false);
        if (command is null)
        {
            return rejected!;
        }

        var (outcome, unavailable) = await HttpEdge.ExecuteAsync(req, ct => orders.ExecuteAsync(
            OrderKeys.For(id), state => OrderDecider.Cancel(state, command, time.GetUtcNow(), Activity.Current?.Id), ct), logger, cancellationToken).ConfigureAwait(false);
        if (unavailable is not null)
        {
            return unavailable;
        }

        LogOutcome(logger, id, outcome);
        return await (outcome switch
        {
            CancelOutcome.NotFound => HttpAnswers.NotFoundAsync(req, id, cancellationToken),
            CancelOutcome.AlreadyShipped => HttpEdge.ConflictAsync(req, $"Order '{id}' has already shipped and can no longer be cancelled.", cancellationToken),
            _ => HttpAnswers.AcceptedAsync(req, id, "cancellation-requested", cancellationToken),
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancel order {OrderId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string orderId, CancelOutcome outcome);
}
