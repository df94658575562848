using Store.Eventing.State;

namespace Store.Fulfillment.State;

/// <summary>
/// Table keys of an order: PartitionKey is a bucket (the first two hex digits of the SHA-256 of the order id, so at most
/// 256 partitions and a batch's orders share partitions and coalesce into few entity-group transactions); RowKey is the
/// order id, escaped so that characters Azure Tables forbids in keys cannot break a write.
/// </summary>
public static class OrderKeys
{
    /// <summary>The entity key of an order.</summary>
    public static EntityKey For(string orderId) => new(Bucket(orderId), RowKey(orderId));

    /// <summary>The partition (bucket) of an order id: "00".."ff".</summary>
    public static string Bucket(string orderId) => TableKeys.HashBucket(orderId, 2);

    /// <summary>The row key: the order id escaped for Azure Tables (injective; see <see cref="TableKeys.Escape"/>).</summary>
    public static string RowKey(string orderId) => TableKeys.Escape(orderId);

    /// <summary>The order id of a row key (inverse of <see cref="RowKey"/>).</summary>
    public static string OrderIdOf(string rowKey) => TableKeys.Unescape(rowKey);
}
