using Store.Eventing.State;
using Store.Inventory.Functions;

namespace Store.Inventory.Tests.Functions;

/// <summary>Inventory's app for tests: the shared <see cref="TestApp"/> on unique tables, with Inventory's sample events and state readers.</summary>
internal static class InventoryTestApp
{
    /// <summary>A fresh app on fresh tables; <paramref name="tableOptions"/> e.g. puts the Azure Tables model in front of Azurite.</summary>
    public static TestApp Create(AzuriteFixture azurite, Azure.Data.Tables.TableClientOptions? tableOptions = null, int shards = 1) => new(
        InventoryRegistration.AddInventoryContext,
        azurite.ConnectionString,
        new Dictionary<string, string?>
        {
            ["Inventory:StockTable"] = azurite.NewTable("invstock").Name,
            ["Inventory:ReceiptsTable"] = azurite.NewTable("invrcpt").Name,
            ["Inventory:StockShards"] = shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        overrides: tableOptions is null ? null : services => services.AddSingleton(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString, tableOptions)));

    public static StockFunctions Http(this TestApp app) => app.Get<StockFunctions>();

    public static TableStateStore<StockRow> Store(this TestApp app) => app.Get<TableStateStore<StockRow>>();

    /// <summary>An input event body with a deterministic id.</summary>
    public static byte[] Body<T>(this TestApp app, string type, string id, string subject, T data) => EventBatches.CloudEvent(app.Codec, type, id, subject, data);

    /// <summary>
    /// The order as an archived <c>sales.order-placed.v1</c> (Inventory's v2 record binds no address, which v2 requires):
    /// the app upcasts it, so decisions see <see cref="OrderPlaced"/>.
    /// </summary>
    public static EventData Placed(this TestApp app, OrderPlaced o, string? id = null) =>
        app.Received(app.Body(InventoryEventTypes.OrderPlacedV1, id ?? "placed-" + o.OrderId, o.OrderId, new OrderPlacedV1(o.OrderId, o.CustomerId, o.Lines, o.Total, o.Currency)));

    public static EventData Withdrawn(this TestApp app, OrderWithdrawn o) => app.Received(app.Body(InventoryEventTypes.OrderWithdrawn, "withdrawn-" + o.OrderId, o.OrderId, o));

    /// <summary>A customer's cancel (sales.order-cancelled.v1): a request Inventory no longer acts on.</summary>
    public static EventData CancelRequested(this TestApp app, string orderId) => app.Received(System.Text.Encoding.UTF8.GetBytes(
        $$$"""{"specversion":"1.0","id":"cancelled-{{{orderId}}}","source":"/store/sales","type":"sales.order-cancelled.v1","subject":"{{{orderId}}}","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","data":{"orderId":"{{{orderId}}}","customerId":"cust-{{{orderId}}}"}}"""));

    public static EventData Declined(this TestApp app, PaymentDeclined p) => app.Received(app.Body(InventoryEventTypes.PaymentDeclined, "declined-" + p.OrderId, p.OrderId, p));

    public static EventData Shipped(this TestApp app, ShipmentRequested s) => app.Received(app.Body(InventoryEventTypes.ShipmentRequested, "shipped-" + s.OrderId, s.OrderId, s));

    public static EventData Stock(this TestApp app, StockReceived r) => app.Received(app.Body(InventoryEventTypes.StockReceived, ReceiptDecider.EventIdOf(r.ReceiptId), r.Sku, r));

    public static Task<BatchOutcome> OnSalesOrders(this TestApp app, string partition, params EventData[] events) => app.DeliverAsync("sales-orders", events, partition);

    public static Task<BatchOutcome> OnPayments(this TestApp app, string partition, params EventData[] events) => app.DeliverAsync("payments", events, partition);

    public static Task<BatchOutcome> OnShipments(this TestApp app, string partition, params EventData[] events) => app.DeliverAsync("fulfillment-shipments", events, partition);

    public static Task<BatchOutcome> OnStock(this TestApp app, string partition, params EventData[] events) => app.DeliverAsync("inventory-stock", events, partition);

    /// <summary>Every row of the stock partition.</summary>
    public static async Task<Dictionary<string, StateRecord<StockRow>>> RowsAsync(this TestApp app) =>
        (await app.Store().ReadPartitionAsync(StockKeys.Partition, CancellationToken.None)).ToDictionary(r => r.Key.RowKey, StringComparer.Ordinal);

    public static async Task<SkuStock?> SkuAsync(this TestApp app, string sku) =>
        (await app.Store().GetAsync(ShardOf(app, sku), StockKeys.Sku(sku), CancellationToken.None))?.State?.Sku;

    /// <summary>The table partition of <paramref name="id"/>'s stock shard.</summary>
    public static string ShardOf(this TestApp app, string id) =>
        global::Store.Inventory.Deciders.StockShards.Partition(global::Store.Inventory.Deciders.StockShards.Of(id, app.Get<InventoryOptions>().StockShards), app.Get<InventoryOptions>().StockShards);

    public static Task<BatchOutcome> OnShards(this TestApp app, string partition, params EventData[] events) => app.DeliverAsync("inventory-shards", events, partition);

    /// <summary>Delivers every saga message published on inventory-shards from index <paramref name="from"/> on, until none is new; returns how many were delivered.</summary>
    public static async Task<int> PumpShardsAsync(this TestApp app, int from = 0)
    {
        var delivered = from;
        while (app.Publisher.To("inventory-shards") is var all && all.Count > delivered)
        {
            var outcome = await app.OnShards("0", [.. all.Skip(delivered).Select(e => app.Received(e.Body, e.PartitionKey))]);
            if (outcome.DeadLettered > 0)
            {
                throw new InvalidOperationException($"{outcome.DeadLettered} saga message(s) dead-lettered.");
            }

            delivered = all.Count;
        }

        return delivered - from;
    }

    public static async Task<global::Store.Inventory.Deciders.SagaOrder?> OrderAsync(this TestApp app, string orderId) =>
        (await app.Store().GetAsync(StockKeys.Partition, StockKeys.Order(orderId), CancellationToken.None))?.State?.Order;

    /// <summary>Published events of one type, decoded (this validates them against their schemas).</summary>
    public static IReadOnlyList<T> PublishedData<T>(this TestApp app, string type) =>
        app.Publisher.To("inventory-stock").Where(e => e.Type == type).Select(e => (T)app.Codec.Decode(e.Body).Event!.Data).ToArray();
}
