using Azure.Messaging.EventHubs;
using Microsoft.Azure.Functions.Worker;
using Store.Eventing.Hosting;
using Store.Eventing.Processing;
using Store.Tracking.State;

namespace Store.Tracking.Functions;

/// <summary>Tracking's Event Hubs triggers: one per consumed hub, all feeding the order-status view.</summary>
public sealed class TrackingFunctions(EventBatchHandler handler, KeyedBatchProcessor<TrackedOrder> processor)
{
    private const string Context = "Tracking";
    private const string ConsumerGroup = "tracking";

    [Function("Tracking_OnSalesOrders")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnSalesOrders(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context.EventHubTrigger(Context, "sales-orders", ConsumerGroup), processor.ProcessAsync, cancellationToken);

    [Function("Tracking_OnInventoryStock")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnInventoryStock(
        [EventHubTrigger("inventory-stock", Connection = "InventoryEventHubConnection", ConsumerGroup = ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context.EventHubTrigger(Context, "inventory-stock", ConsumerGroup), processor.ProcessAsync, cancellationToken);

    [Function("Tracking_OnPayments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnPayments(
        [EventHubTrigger("payments", Connection = "PaymentsEventHubConnection", ConsumerGroup = ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context.EventHubTrigger(Context, "payments", ConsumerGroup), processor.ProcessAsync, cancellationToken);

    [Function("Tracking_OnFulfillmentShipments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnFulfillmentShipments(
        [EventHubTrigger("fulfillment-shipments", Connection = "FulfillmentEventHubConnection", ConsumerGroup = ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context.EventHubTrigger(Context, "fulfillment-shipments", ConsumerGroup), processor.ProcessAsync, cancellationToken);
}
