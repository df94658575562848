using Azure.Data.Tables;
using Store.Eventing.Processing;
using Store.Eventing.State;

namespace Store.Loyalty.Tests.Functions;

/// <summary>Loyalty's app for tests: the shared <see cref="TestApp"/> over a fresh table, with Loyalty's sample events and state readers.</summary>
public static class LoyaltyTestApp
{
    public static TestApp Create(AzuriteFixture azurite) => new(LoyaltyRegistration.AddLoyaltyContext, azurite.ConnectionString,
        new Dictionary<string, string?> { [LoyaltyRegistration.TableNameSetting] = azurite.NewTable("loyalty").Name });

    public static TableStateStore<CustomerLoyalty> Store(this TestApp app) => app.Get<TableStateStore<CustomerLoyalty>>();

    /// <summary>A customer's state; null when Loyalty has never seen the customer.</summary>
    public static Task<CustomerLoyalty?> FindAsync(this TestApp app, string customerId) => app.Store().FindAsync(LoyaltyDecider.KeyOf(customerId), CancellationToken.None);

    public static Task<BatchOutcome> SalesOrders(this TestApp app, EventData[] events, string partition = "0") => app.DeliverAsync("sales-orders", events, partition);

    public static Task<BatchOutcome> Shipments(this TestApp app, EventData[] events, string partition = "0") => app.DeliverAsync("fulfillment-shipments", events, partition);

    /// <summary>Every customer entity's state.</summary>
    public static async Task<Dictionary<string, CustomerLoyalty>> CustomersAsync(this TestApp app)
    {
        var result = new Dictionary<string, CustomerLoyalty>(StringComparer.Ordinal);
        foreach (var bucket in Enumerable.Range(0, 16).Select(i => i.ToString("x1", System.Globalization.CultureInfo.InvariantCulture)))
        {
            foreach (var record in await app.Store().ReadPartitionAsync(bucket, CancellationToken.None))
            {
                result[record.State!.CustomerId] = record.State;
            }
        }

        return result;
    }

    public static async Task<TableEntity?> EntityAsync(this TestApp app, string customerId)
    {
        var key = LoyaltyDecider.KeyOf(customerId);
        var response = await app.Store().Table.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>An archived <c>sales.order-placed.v1</c> (Loyalty's v2 record binds no address, which v2 requires); the app reads it as v2.</summary>
    public static byte[] OrderPlaced(this TestApp app, string id, string orderId, string customerId, decimal total, DateTimeOffset? time = null) =>
        EventBatches.CloudEvent(app.Codec, CloudEventTypeAttribute.Of<OrderPlacedV1>(), id, orderId,
            new OrderPlacedV1(orderId, customerId, [new OrderLine("SKU-1", 1, total)], total, "EUR"), time);

    public static byte[] ShipmentRequested(this TestApp app, string id, string orderId, string customerId, decimal? total, DateTimeOffset? time = null) =>
        EventBatches.CloudEvent(app.Codec, CloudEventTypeAttribute.Of<ShipmentRequested>(), id, orderId,
            new ShipmentRequested("s-" + orderId, orderId, customerId, [new OrderLine("SKU-1", 1, total ?? 1m)], total, total is null ? null : "EUR"), time);
}
