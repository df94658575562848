namespace Store.TestSupport;

/// <summary>One realistic, valid <c>data</c> instance per catalog event type (used by the schema and validator tests).</summary>
public static class SchemaSamples
{
    /// <summary>Valid samples by CloudEvents type.</summary>
    public static readonly IReadOnlyDictionary<string, string> Valid = new Dictionary<string, string>
    {
        ["sales.order-placed.v1"] = """{"orderId":"o-1","customerId":"c-1","lines":[{"sku":"SKU-1","quantity":2,"unitPrice":9.99},{"sku":"SKU-2","quantity":1,"unitPrice":0}],"total":19.98,"currency":"EUR"}""",
        ["sales.order-placed.v2"] = """{"orderId":"o-1","customerId":"c-1","lines":[{"sku":"SKU-1","quantity":2,"unitPrice":9.99},{"sku":"SKU-2","quantity":1,"unitPrice":0}],"total":19.98,"currency":"EUR","shippingAddress":{"recipient":"Ann Example","line1":"Main Street 1","line2":"Floor 3","city":"Bonn","postalCode":"53111","country":"DE"}}""",
        ["sales.order-cancelled.v1"] = """{"orderId":"o-1","customerId":"c-1","reason":"changed my mind"}""",
        ["inventory.stock-received.v1"] = """{"receiptId":"r-1","sku":"SKU-1","quantity":50}""",
        ["inventory.stock-reserved.v1"] = """{"orderId":"o-1","customerId":"c-1","lines":[{"sku":"SKU-1","quantity":2}]}""",
        ["inventory.stock-reservation-rejected.v1"] = """{"orderId":"o-1","customerId":"c-1","shortLines":[{"sku":"SKU-1","requested":5,"available":3}]}""",
        ["inventory.stock-released.v1"] = """{"orderId":"o-1","customerId":"c-1","lines":[{"sku":"SKU-1","quantity":2}],"reason":"order-cancelled"}""",
        ["inventory.reserve-part.v1"] = """{"orderId":"o-1","shard":2,"home":0,"lines":[{"sku":"SKU-1","quantity":2}],"target":"2"}""",
        ["inventory.part-decided.v1"] = """{"orderId":"o-1","home":0,"shard":2,"reserved":false,"short":[{"sku":"SKU-1","requested":5,"available":3}],"target":"0"}""",
        ["inventory.release-part.v1"] = """{"orderId":"o-1","shard":2,"target":"2"}""",
        ["inventory.commit-part.v1"] = """{"orderId":"o-1","shard":2,"target":"2"}""",
        ["payments.payment-authorized.v1"] = """{"orderId":"o-1","customerId":"c-1","amount":19.98,"currency":"EUR"}""",
        ["payments.payment-declined.v1"] = """{"orderId":"o-1","customerId":"c-1","amount":9000,"currency":"EUR","reason":"amount exceeds limit 5000"}""",
        ["fulfillment.shipment-requested.v1"] = """{"shipmentId":"s-1","orderId":"o-1","customerId":"c-1","lines":[{"sku":"SKU-1","quantity":2,"unitPrice":9.99}],"total":19.98,"currency":"EUR","shippingAddress":{"recipient":"Ann Example","line1":"Main Street 1","city":"Bonn","postalCode":"53111","country":"DE"}}""",
        ["fulfillment.order-withdrawn.v1"] = """{"orderId":"o-1","customerId":"c-1","reason":"changed my mind"}""",
        ["fulfillment.cancellation-rejected.v1"] = """{"orderId":"o-1","customerId":"c-1","shipmentId":"s-1","reason":"already-shipped"}""",
        ["loyalty.tier-changed.v1"] = """{"customerId":"c-1","previousTier":"Bronze","newTier":"Silver","points":1200}""",
        ["notifications.notification-requested.v1"] = """{"notificationId":"n-1","customerId":"c-1","channel":"email","template":"shipment-requested","orderId":"o-1","data":{"total":"19.98"}}""",
        ["operations.event-dead-lettered.v1"] = """{"consumer":"Inventory","consumerGroup":"inventory","sourceHub":"sales-orders","partitionId":"0","offset":"100","sequenceNumber":7,"enqueuedTime":"2026-01-01T00:00:00Z","body":"not json","bodyEncoding":"utf8","properties":{},"error":{"kind":"malformed-json","message":"Body is not JSON"}}""",
    };
}
