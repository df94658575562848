using Azure.Messaging.EventHubs;

namespace Store.Inventory.Functions;

/// <summary>One Event Hubs trigger per hub Inventory consumes (schemas/catalog.json); all feed the same stock processor.</summary>
public sealed class StockEventFunctions(EventBatchHandler handler, PartitionBatchProcessor<StockRow> processor)
{
    /// <summary>Applies Inventory's own stock-received events (its other outputs on the hub are ignored).</summary>
    [Function("Inventory_OnInventoryStock")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnInventoryStock(
        [EventHubTrigger("inventory-stock", Connection = "InventoryEventHubConnection", ConsumerGroup = InventoryRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, cancellationToken);

    /// <summary>Reserves stock for placed orders (a cancel is only a request; the release follows Fulfillment's withdrawal).</summary>
    [Function("Inventory_OnSalesOrders")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnSalesOrders(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = InventoryRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, cancellationToken);

    /// <summary>Releases stock of orders whose payment was declined.</summary>
    [Function("Inventory_OnPayments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnPayments(
        [EventHubTrigger("payments", Connection = "PaymentsEventHubConnection", ConsumerGroup = InventoryRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, cancellationToken);

    /// <summary>Commits the reservation of orders whose shipment was requested and releases that of orders Fulfillment withdrew.</summary>
    [Function("Inventory_OnFulfillmentShipments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnFulfillmentShipments(
        [EventHubTrigger("fulfillment-shipments", Connection = "FulfillmentEventHubConnection", ConsumerGroup = InventoryRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, cancellationToken);

    /// <summary>The sharded reservation saga's messages between stock shards (Inventory's internal hub; only with N &gt; 1 shards).</summary>
    [Function("Inventory_OnInventoryShards")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnInventoryShards(
        [EventHubTrigger("inventory-shards", Connection = "InventoryEventHubConnection", ConsumerGroup = InventoryRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, cancellationToken);
}
