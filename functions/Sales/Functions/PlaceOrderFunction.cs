namespace Store.Sales.Functions;

/// <summary><c>POST /api/orders</c>: validates and accepts an order, publishing <c>sales.order-placed.v1</c> once per order id.</summary>
public sealed partial class PlaceOrderFunction(EntityCommands<OrderState> orders, TimeProvider time, ILogger<PlaceOrderFunction> logger)
{
    [Function("Sales_PlaceOrder")]
    public Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "orders")] HttpRequestData req,
        CancellationToken cancellationToken) =>
        HttpEdge.CommandAsync(
            req,
            HttpAnswers.PlaceOrderBody,
            body => OrderValidation.ValidatePlaceOrder(body!.Value),
            (command, ct) => orders.ExecuteAsync(OrderKeys.For(command.OrderId), state => OrderDecisions.Place(state, command, time.GetUtcNow(), Activity.Current?.Id), ct),
            (command, outcome) =>
            {
                LogOutcome(logger, command.OrderId, outcome);
                return outcome == PlaceOutcome.Conflict
                    ? HttpEdge.ConflictAsync(req, $"Order '{command.OrderId}' already exists with a different body.", cancellationToken)
                    : HttpAnswers.AcceptedAsync(req, command.OrderId, "accepted", cancellationToken);
            },
            logger,
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Place order {OrderId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string orderId, PlaceOutcome outcome);
}
