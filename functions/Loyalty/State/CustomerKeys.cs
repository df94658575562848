using System.Globalization;
using System.Text;
using Store.Eventing.State;

namespace Store.Loyalty.State;

/// <summary>Where a customer's entity lives: PartitionKey = one of <see cref="Buckets"/> buckets of the customer id, RowKey = the escaped customer id.</summary>
/// <remarks>
/// Buckets spread customers over table partitions (scale) while a batch still writes few partitions (each one
/// entity-group transaction of up to 100 customers). The bucket is a stable hash (FNV-1a), never string.GetHashCode.
/// </remarks>
public static class CustomerKeys
{
    /// <summary>Number of table partitions customers are spread over.</summary>
    public const int Buckets = 32;

    /// <summary>The entity key of a customer.</summary>
    public static EntityKey For(string customerId) => new(BucketOf(customerId), RowKeyOf(customerId));

    /// <summary>"c00".."c31".</summary>
    public static string BucketOf(string customerId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(customerId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return "c" + (hash % Buckets).ToString("D2", CultureInfo.InvariantCulture);
    }

    /// <summary>The customer id with the characters a RowKey may not hold (/ \ # ? %, control characters) percent-escaped.</summary>
    public static string RowKeyOf(string customerId)
    {
        var sb = new StringBuilder(customerId.Length);
        foreach (var c in customerId)
        {
            // U+2028/U+2029 too (Azurite cannot match them in a key); %2028/%2029 stay injective, as 0x20 is never escaped.
            if (c is '/' or '\\' or '#' or '?' or '%' or '\u2028' or '\u2029' || char.IsControl(c))
            {
                sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
