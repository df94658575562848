using Azure.Messaging.EventHubs;

namespace Store.Sales.Functions;

/// <summary>Consumes <c>fulfillment-shipments</c>: marks orders shipped (no longer cancellable), withdrawn or with their cancellation rejected.</summary>
public sealed class OnFulfillmentShipmentsFunction(EventBatchHandler handler, KeyedBatchProcessor<OrderState> processor)
{
    [Function("Sales_OnFulfillmentShipments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> Run(
        [EventHubTrigger("fulfillment-shipments", Connection = "FulfillmentEventHubConnection", ConsumerGroup = SalesRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);
}
