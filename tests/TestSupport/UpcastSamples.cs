using System.Text;
using System.Text.Json.Serialization;

namespace Store.TestSupport;

/// <summary>
/// Reads the schema samples of an old and a new version of one event (<see cref="SchemaSamples"/>) as a consumer does:
/// with the records its JSON context registers, so a context's test shows what its upcaster hands decisions.
/// </summary>
public static class UpcastSamples
{
    /// <summary>The samples of <paramref name="older"/> and <paramref name="newer"/>, decoded by <paramref name="json"/>'s records; fails on a data error.</summary>
    public static (DecodedEvent Older, DecodedEvent Newer) Decode(JsonSerializerContext json, string older, string newer)
    {
        var codec = new CloudEventCodec(new EventTypeRegistry().AddAll(json));
        return (DecodeSample(codec, older), DecodeSample(codec, newer));
    }

    private static DecodedEvent DecodeSample(CloudEventCodec codec, string type)
    {
        var body = $$"""{"specversion":"1.0","id":"sample-{{type}}","source":"/store/sample","type":"{{type}}","subject":"o-1","time":"2026-01-01T00:00:00Z","data":{{SchemaSamples.Valid[type]}}}""";
        var result = codec.Decode(Encoding.UTF8.GetBytes(body));
        return result.Event ?? throw new InvalidOperationException($"The {type} sample does not decode: {result.Error?.Message ?? "skipped: no record reads it"}");
    }
}
