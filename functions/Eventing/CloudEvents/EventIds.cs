namespace Store.Eventing.CloudEvents;

/// <summary>Deterministic event ids: an output's id is a name-based UUID (RFC 9562 version 5) of the input id and the output's role.</summary>
/// <remarks>A redelivered input therefore yields the same output ids, so consumers can drop duplicates by id.</remarks>
public static class EventIds
{
    // Fixed namespace for this system's derived ids (a random UUID chosen once).
    private static readonly byte[] Namespace = Guid.Parse("6f1c3a52-8d0e-4b7a-9a43-2f5d7c1e9b60").ToByteArray(bigEndian: true);

    /// <summary>Derives the id of the output playing <paramref name="role"/> (e.g. "stock-reserved") for input <paramref name="inputId"/>.</summary>
    public static string Derive(string inputId, string role)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputId);
        ArgumentException.ThrowIfNullOrEmpty(role);
        // Name = namespace | input length (4 bytes, big-endian) | input | role: the length prefix keeps ("a/b","c") apart from ("a","b/c").
        int length = Namespace.Length + 4 + Encoding.UTF8.GetByteCount(inputId) + Encoding.UTF8.GetByteCount(role);
        Span<byte> name = length <= 512 ? stackalloc byte[512] : new byte[length];
        Namespace.CopyTo(name);
        int written = Namespace.Length + 4;
        int inputBytes = Encoding.UTF8.GetBytes(inputId, name[written..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(name[Namespace.Length..], inputBytes);
        written += inputBytes;
        written += Encoding.UTF8.GetBytes(role, name[written..]);

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for version-5 UUIDs; it names ids, it protects nothing.
        SHA1.HashData(name[..written], hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}
