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
        using var body = await HttpEdge.ReadJsonAsync(req, HttpAnswers.CancelBody, cancellationToken).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return await HttpEdge.ProblemAsync(req, problem, cancellationToken).ConfigureAwait(false);
        }

        // An id that cannot be an order id names no order.
        if (!OrderValidation.IsValidOrderId(id))
        {
            return await HttpAnswers.NotFoundAsync(req, id, cancellationToken).ConfigureAwait(false);
        }

        var validated = OrderValidation.ValidateCancel(id, body.Document?.RootElement);
        if (!validated.IsValid)
        {
            return await HttpEdge.ValidationProblemAsync(req, validated.Errors, cancellationToken).ConfigureAwait(false);
        }

        var command = validated.Value!;
        var traceParent = Activity.Current?.Id;
        return await orders.ExecuteAsync(req, id, state =>
        {
            var decision = OrderDecisions.Cancel(state, command, time.GetUtcNow());
            return decision.Cancelled is { } cancelled
                ? new CommandDecision<OrderState, CancelOutcome>(decision.Outcome, decision.State, [SalesOutputs.Cancelled(cancelled, decision.State!.CancelledAt!.Value, traceParent)])
                : new CommandDecision<OrderState, CancelOutcome>(decision.Outcome);
        }, outcome =>
        {
            LogOutcome(logger, id, outcome);
            return outcome switch
            {
                CancelOutcome.NotFound => HttpAnswers.NotFoundAsync(req, id, cancellationToken),
                CancelOutcome.AlreadyShipped => HttpEdge.ConflictAsync(req, $"Order '{id}' has already shipped and can no longer be cancelled.", cancellationToken),
                _ => HttpAnswers.AcceptedAsync(req, id, "cancellation-requested", cancellationToken),
            };
        }, ex => LogUnavailable(logger, ex, id), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancel order {OrderId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string orderId, CancelOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancel order {OrderId} answered 503: storage or Event Hubs unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string orderId);
}
