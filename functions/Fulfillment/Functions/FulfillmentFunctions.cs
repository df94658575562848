using Azure.Messaging.EventHubs;

namespace Store.Fulfillment.Functions;

/// <summary>Fulfillment's Event Hubs triggers: one per consumed hub, all feeding the same order join.</summary>
public sealed class FulfillmentFunctions(EventBatchHandler handler, KeyedBatchProcessor<FulfillmentOrder> processor)
{
    [Function("Fulfillment_OnSalesOrders")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnSalesOrders(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = FulfillmentRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);

    [Function("Fulfillment_OnInventoryStock")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnInventoryStock(
        [EventHubTrigger("inventory-stock", Connection = "InventoryEventHubConnection", ConsumerGroup = FulfillmentRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);

    [Function("Fulfillment_OnPayments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnPayments(
        [EventHubTrigger("payments", Connection = "PaymentsEventHubConnection", ConsumerGroup = FulfillmentRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);
}
