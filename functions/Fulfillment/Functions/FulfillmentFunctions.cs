using Azure.Messaging.EventHubs;
using Microsoft.Azure.Functions.Worker;
using Store.Eventing.Hosting;
using Store.Eventing.Processing;
using Store.Fulfillment.State;

namespace Store.Fulfillment.Functions;

/// <summary>Fulfillment's Event Hubs triggers: one per consumed hub, all feeding the same order join.</summary>
public sealed class FulfillmentFunctions(EventBatchHandler handler, KeyedBatchProcessor<FulfillmentOrder> processor)
{
    private const string Context = "Fulfillment";
    private const string ConsumerGroup = "fulfillment";

    [Function("Fulfillment_OnSalesOrders")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnSalesOrders(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context.EventHubTrigger(Context, "sales-orders", ConsumerGroup), processor.ProcessAsync, cancellationToken);

    [Function("Fulfillment_OnInventoryStock")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnInventoryStock(
        [EventHubTrigger("inventory-stock", Connection = "InventoryEventHubConnection", ConsumerGroup = ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context.EventHubTrigger(Context, "inventory-stock", ConsumerGroup), processor.ProcessAsync, cancellationToken);

    [Function("Fulfillment_OnPayments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnPayments(
        [EventHubTrigger("payments", Connection = "PaymentsEventHubConnection", ConsumerGroup = ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context.EventHubTrigger(Context, "payments", ConsumerGroup), processor.ProcessAsync, cancellationToken);
}
