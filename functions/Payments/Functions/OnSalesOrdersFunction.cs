using Azure.Messaging.EventHubs;
using Microsoft.Azure.Functions.Worker;

namespace Store.Payments.Functions;

/// <summary>Consumes <c>sales-orders</c>: authorises or declines each placed order. Cancelled orders are skipped.</summary>
public sealed class OnSalesOrdersFunction(EventBatchHandler handler, PaymentPolicy policy)
{
    [Function("Payments_OnSalesOrders")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> Run(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = PaymentsRegistration.ConsumerGroup)] EventData[] events,
        FunctionContext context, CancellationToken ct) =>
        handler.ReactAsync(events, context, e => PaymentReaction.React(e, policy), ct);
}
