using Azure.Messaging.EventHubs;
using Microsoft.Azure.Functions.Worker;
using Store.Eventing.Hosting;
using Store.Eventing.Processing;
using Store.Payments.Decisions;
using Store.Payments.Events;

namespace Store.Payments.Functions;

/// <summary>Consumes <c>sales-orders</c>: authorises or declines each placed order. Cancelled orders are skipped.</summary>
public sealed class OnSalesOrdersFunction(EventBatchHandler handler, PaymentPolicy policy)
{
    [Function("Payments_OnSalesOrders")]
    [ExponentialBackoffRetry(DeliveryRetry.MaxRetryCount, DeliveryRetry.MinimumInterval, DeliveryRetry.MaximumInterval)]
    public Task<BatchOutcome> Run(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = "payments")] EventData[] events,
        FunctionContext context,
        CancellationToken cancellationToken) =>
        handler.HandleStatelessAsync(
            events,
            context.EventHubTrigger("Payments", PaymentsEventTypes.SalesOrdersHub, PaymentsEventTypes.ConsumerGroup),
            e => PaymentDecisions.Decide(e, policy),
            cancellationToken);
}
