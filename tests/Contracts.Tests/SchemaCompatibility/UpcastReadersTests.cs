using System.Reflection;
using System.Text.Json.Serialization;
using Store.Eventing.CloudEvents;

namespace Store.Contracts.Tests.SchemaCompatibility;

/// <summary>
/// Each context's upcaster, through the records its JSON context registers: every superseded type on a hub it consumes
/// reads as the same record the newer version binds to, equal to the newer sample with the stated default
/// (<c>shippingAddress: null</c>, "ship to the address on file") for what the old version lacks.
/// </summary>
public sealed class UpcastReadersTests
{
    /// <summary>The stated defaults of each upcast, by the newer type: the data fields the old version lacks and their values.</summary>
    private static readonly Dictionary<string, Dictionary<string, JsonNode?>> Defaults = new(StringComparer.Ordinal)
    {
        ["sales.order-placed.v2"] = new() { ["shippingAddress"] = null },
    };

    public static TheoryData<string, string, string> Upcasts()
    {
        var catalog = EventCatalog.Current;
        var data = new TheoryData<string, string, string>();
        foreach (var (_, stream) in catalog.Streams)
        {
            foreach (var old in catalog.EventTypes.Where(t => t.SupersededBy is not null && stream.Events.Contains(t.Type)))
            {
                foreach (var consumer in stream.Consumers.Where(c => catalog.Contexts.Any(x => x.Name == c.Context)))
                {
                    data.Add(consumer.Context, old.Type, old.SupersededBy!);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Upcasts))]
    public void A_superseded_version_reads_as_the_newer_record_with_the_stated_defaults(string context, string older, string newer)
    {
        var json = EventContextOf(context, older);
        var (old, current) = UpcastSamples.Decode(json, older, newer);

        Assert.Equal((newer, older), (old.Type, old.UpcastFrom));
        Assert.Same(current.Data.GetType(), old.Data.GetType());
        // The newer sample with the defaults in place of what the old version lacks; fields a context does not bind drop out.
        var expected = JsonNode.Parse(SchemaSamples.Valid[newer])!.AsObject();
        foreach (var (field, value) in Defaults[newer])
        {
            expected[field] = value?.DeepClone();
        }

        var typeInfo = json.GetTypeInfo(old.Data.GetType())!;
        var expectedRecord = JsonSerializer.Deserialize(expected.ToJsonString(), typeInfo);
        Assert.Equal(JsonSerializer.Serialize(expectedRecord, typeInfo), JsonSerializer.Serialize(old.Data, typeInfo));
    }

    /// <summary>The context's JSON context that serializes its record of <paramref name="type"/> (the one it registers with the kit).</summary>
    private static JsonSerializerContext EventContextOf(string context, string type) =>
        Assembly.Load(context).GetTypes()
            .Where(t => t.IsSubclassOf(typeof(JsonSerializerContext)) && ArchiveReadersTests.EventTypesOf(t).Contains(type))
            .Select(t => (JsonSerializerContext)t.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .Single();
}
