namespace Store.Sales.Functions;

/// <summary><c>POST /api/orders</c>: validates and accepts an order, publishing <c>sales.order-placed.v1</c> once per order id.</summary>
public sealed partial class PlaceOrderFunction(EntityCommands<OrderState> orders, TimeProvider time, ILogger<PlaceOrderFunction> logger)
{
    [Function("Sales_PlaceOrder")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "orders")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        using var body = await HttpEdge.ReadJsonAsync(req, HttpAnswers.PlaceOrderBody, cancellationToken).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return await HttpEdge.ProblemAsync(req, problem, cancellationToken).ConfigureAwait(false);
        }

        var validated = OrderValidation.ValidatePlaceOrder(body.Document!.RootElement);
        if (!validated.IsValid)
        {
            return await HttpEdge.ValidationProblemAsync(req, validated.Errors, cancellationToken).ConfigureAwait(false);
        }

        var command = validated.Value!;
        var traceParent = Activity.Current?.Id;
        return await orders.ExecuteAsync(req, command.OrderId, state =>
        {
            var decision = OrderDecisions.Place(state, command, time.GetUtcNow());
            return decision.Placed is { } placed
                ? new CommandDecision<OrderState, PlaceOutcome>(decision.Outcome, decision.State, [SalesOutputs.Placed(placed, decision.State.AcceptedAt!.Value, traceParent)])
                : new CommandDecision<OrderState, PlaceOutcome>(decision.Outcome);
        }, outcome =>
        {
            LogOutcome(logger, command.OrderId, outcome);
            return outcome == PlaceOutcome.Conflict
                ? HttpEdge.ConflictAsync(req, $"Order '{command.OrderId}' already exists with a different body.", cancellationToken)
                : HttpAnswers.AcceptedAsync(req, command.OrderId, "accepted", cancellationToken);
        }, ex => LogUnavailable(logger, ex, command.OrderId), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Place order {OrderId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string orderId, PlaceOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Place order {OrderId} answered 503: storage or Event Hubs unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string orderId);
}
