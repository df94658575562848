using Azure.Messaging.EventHubs;

namespace Store.Loyalty.Functions;

/// <summary>Loyalty's Event Hubs triggers: one per consumed hub, both feeding the same customer entities.</summary>
public sealed class LoyaltyFunctions(EventBatchHandler handler, KeyedBatchProcessor<CustomerLoyalty> processor)
{
    [Function("Loyalty_OnSalesOrders")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnSalesOrders(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = LoyaltyRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);

    [Function("Loyalty_OnFulfillmentShipments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnFulfillmentShipments(
        [EventHubTrigger("fulfillment-shipments", Connection = "FulfillmentEventHubConnection", ConsumerGroup = LoyaltyRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);
}
