using System.Text.RegularExpressions;

namespace Store.Eventing.State;

/// <summary>Building blocks for Azure Tables keys: hash buckets for partition keys and an injective escape for ids.</summary>
public static partial class TableKeys
{
    /// <summary>
    /// PartitionKey = <see cref="HashBucket"/> of the id (few partitions, so a batch coalesces into few transactions),
    /// RowKey = the escaped id.
    /// </summary>
    public static EntityKey Bucketed(string id, int hexDigits) => new(HashBucket(id, hexDigits), Escape(id));

    /// <summary>The inverse of <see cref="Escape"/>.</summary>
    public static string IdOf(string rowKey) =>
        EscapeSequence().Replace(rowKey, m => ((char)int.Parse(m.ValueSpan[1..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)).ToString());

    /// <summary>The first <paramref name="hexDigits"/> hex digits (1–4) of the SHA-256 of <paramref name="id"/>: a stable bucket among 16^digits.</summary>
    public static string HashBucket(string id, int hexDigits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hexDigits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hexDigits, 4);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        var top = (hash[0] << 8) | hash[1];
        return (top >> (4 * (4 - hexDigits))).ToString("x" + hexDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>The id with '/', '\', '#', '?', '~' and control characters (forbidden or reserved in keys) escaped as ~XXXX; injective.</summary>
    public static string Escape(string id) =>
        Forbidden().Replace(id, m => string.Create(CultureInfo.InvariantCulture, $"~{(int)m.ValueSpan[0]:x4}"));

    // U+2028/U+2029 are allowed in Azure Tables keys, but Azurite matches keys in the URL with a JavaScript '.', which stops
    // at line terminators: such a key answers 500 there, so they are escaped too.
    [GeneratedRegex(@"[/\\#?~\u2028\u2029\p{Cc}]")]
    private static partial Regex Forbidden();

    [GeneratedRegex("~[0-9a-fA-F]{4}")]
    private static partial Regex EscapeSequence();
}
