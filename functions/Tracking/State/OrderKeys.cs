using Store.Eventing.State;

namespace Store.Tracking.State;

/// <summary>
/// Table keys of an order: PartitionKey is a bucket (the first hex digit of the SHA-256 of the order id: 16 partitions);
/// RowKey is the order id, escaped so that characters Azure Tables forbids in keys cannot break a write.
/// </summary>
/// <remarks>
/// Why 16: a batch writes one entity-group transaction per partition it touches, so with 256 buckets a 100-order batch
/// needed ~80 transactions (measured in tests/Benchmarks); with 16 it needs at most 16. Sixteen partitions at ~2,000
/// entities/s each already exceed a storage account's ~20,000 entities/s, so more buckets would add no capacity.
/// </remarks>
public static class OrderKeys
{
    /// <summary>The entity key of an order.</summary>
    public static EntityKey For(string orderId) => new(Bucket(orderId), RowKey(orderId));

    /// <summary>The partition (bucket) of an order id: "0".."f".</summary>
    public static string Bucket(string orderId) => TableKeys.HashBucket(orderId, 1);

    /// <summary>The row key: the order id escaped for Azure Tables (injective; see <see cref="TableKeys.Escape"/>).</summary>
    public static string RowKey(string orderId) => TableKeys.Escape(orderId);

    /// <summary>The order id of a row key (inverse of <see cref="RowKey"/>).</summary>
    public static string OrderIdOf(string rowKey) => TableKeys.Unescape(rowKey);
}
