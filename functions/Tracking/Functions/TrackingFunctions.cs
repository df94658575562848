using Azure.Messaging.EventHubs;

namespace Store.Tracking.Functions;

/// <summary>Tracking's Event Hubs triggers: one per consumed hub, all feeding the order-status view.</summary>
public sealed class TrackingFunctions(EventBatchHandler handler, KeyedBatchProcessor<TrackedOrder> processor)
{
    [Function("Tracking_OnSalesOrders")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnSalesOrders(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = TrackingRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);

    [Function("Tracking_OnInventoryStock")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnInventoryStock(
        [EventHubTrigger("inventory-stock", Connection = "InventoryEventHubConnection", ConsumerGroup = TrackingRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);

    [Function("Tracking_OnPayments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnPayments(
        [EventHubTrigger("payments", Connection = "PaymentsEventHubConnection", ConsumerGroup = TrackingRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);

    [Function("Tracking_OnFulfillmentShipments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnFulfillmentShipments(
        [EventHubTrigger("fulfillment-shipments", Connection = "FulfillmentEventHubConnection", ConsumerGroup = TrackingRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, ct);
}
