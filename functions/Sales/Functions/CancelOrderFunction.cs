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

        return await HttpEdge.CommandAsync(
            req,
            HttpAnswers.CancelBody,
            body => OrderValidation.ValidateCancel(id, body),
            (command, ct) => orders.ExecuteAsync(OrderKeys.For(id), state => OrderDecisions.Cancel(state, command, time.GetUtcNow(), Activity.Current?.Id), ct),
            (_, outcome) =>
            {
                LogOutcome(logger, id, outcome);
                return outcome switch
                {
                    CancelOutcome.NotFound => HttpAnswers.NotFoundAsync(req, id, cancellationToken),
                    CancelOutcome.AlreadyShipped => HttpEdge.ConflictAsync(req, $"Order '{id}' has already shipped and can no longer be cancelled.", cancellationToken),
                    _ => HttpAnswers.AcceptedAsync(req, id, "cancellation-requested", cancellationToken),
                };
            },
            logger,
            cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancel order {OrderId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string orderId, CancelOutcome outcome);
}
