using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
    public static string Bucket(string orderId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(orderId), hash);
        return (hash[0] >> 4).ToString("x1", CultureInfo.InvariantCulture);
    }

    /// <summary>The row key: the order id with '/', '\', '#', '?', '~' and control characters escaped as ~XXXX (injective).</summary>
    public static string RowKey(string orderId)
    {
        if (!orderId.Any(NeedsEscape))
        {
            return orderId;
        }

        var sb = new StringBuilder(orderId.Length + 16);
        foreach (var c in orderId)
        {
            if (NeedsEscape(c))
            {
                sb.Append('~').Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>The order id of a row key (inverse of <see cref="RowKey"/>).</summary>
    public static string OrderIdOf(string rowKey)
    {
        if (!rowKey.Contains('~', StringComparison.Ordinal))
        {
            return rowKey;
        }

        var sb = new StringBuilder(rowKey.Length);
        for (var i = 0; i < rowKey.Length; i++)
        {
            if (rowKey[i] == '~' && i + 4 < rowKey.Length && int.TryParse(rowKey.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                sb.Append((char)code);
                i += 4;
            }
            else
            {
                sb.Append(rowKey[i]);
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '~' || char.IsControl(c);
}
