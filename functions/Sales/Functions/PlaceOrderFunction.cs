namespace Store.Sales.Functions;

/// <summary><c>POST /api/orders</c>: validates and accepts an order, publishing <c>sales.order-placed.v2</c> once per order id.</summary>
public sealed partial class PlaceOrderFunction(EntityCommands<OrderState> orders, TimeProvider time, ILogger<PlaceOrderFunction> logger)
{
    [Function("Sales_PlaceOrder")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "orders")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var (command, rejected) = await HttpEdge.ReadCommandAsync(req, HttpAnswers.PlaceOrderBody, body => OrderValidation.ValidatePlaceOrder(body!.Value), cancellationToken).ConfigureAwait(false);
        if (command is null)
        {
            return rejected!;
        }

        var (outcome, unavailable) = await HttpEdge.ExecuteAsync(req, ct => orders.ExecuteAsync(
            OrderKeys.For(command.OrderId), state => OrderDecider.Place(state, command, time.GetUtcNow(), Activity.Current?.Id), ct), logger, cancellationToken).ConfigureAwait(false);
        if (unavailable is not null)
        {
            return unavailable;
        }

        LogOutcome(logger, command.OrderId, outcome);
        return outcome == PlaceOutcome.Conflict
            ? await HttpEdge.ConflictAsync(req, $"Order '{command.OrderId}' already exists with a different body.", cancellationToken).ConfigureAwait(false)
            : await HttpAnswers.AcceptedAsync(req, command.OrderId, "accepted", cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Place order {OrderId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string orderId, PlaceOutcome outcome);
}
