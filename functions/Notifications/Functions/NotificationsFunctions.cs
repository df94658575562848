using Azure.Messaging.EventHubs;
using Microsoft.Azure.Functions.Worker;

namespace Store.Notifications.Functions;

/// <summary>Notifications' Event Hubs triggers: one per consumed hub, each a stateless transform to notification requests.</summary>
public sealed class NotificationsFunctions(EventBatchHandler handler, NotificationReaction reaction)
{
    [Function("Notifications_OnFulfillmentShipments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnFulfillmentShipments(
        [EventHubTrigger("fulfillment-shipments", Connection = "FulfillmentEventHubConnection", ConsumerGroup = NotificationsRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.ReactAsync(events, context, reaction.React, ct);

    [Function("Notifications_OnInventoryStock")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnInventoryStock(
        [EventHubTrigger("inventory-stock", Connection = "InventoryEventHubConnection", ConsumerGroup = NotificationsRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.ReactAsync(events, context, reaction.React, ct);

    [Function("Notifications_OnPayments")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnPayments(
        [EventHubTrigger("payments", Connection = "PaymentsEventHubConnection", ConsumerGroup = NotificationsRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.ReactAsync(events, context, reaction.React, ct);

    [Function("Notifications_OnLoyaltyTiers")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> OnLoyaltyTiers(
        [EventHubTrigger("loyalty-tiers", Connection = "LoyaltyEventHubConnection", ConsumerGroup = NotificationsRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.ReactAsync(events, context, reaction.React, ct);
}
