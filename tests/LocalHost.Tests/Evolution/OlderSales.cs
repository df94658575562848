using Store.Eventing.Publishing;

namespace Store.LocalHost.Tests.Evolution;

/// <summary>
/// Stands in for Sales as it was before <c>sales.order-placed.v2</c>: the v1 envelope of an order-placed v2 keeps its id,
/// subject and time, drops <c>shippingAddress</c> from the data and names the v1 type and schema. <see cref="Rewrite"/>
/// is the local host's <see cref="LocalHostOptions.RewriteOutput"/> for it; generated replay inputs send their older
/// orders through <see cref="AsV1"/>.
/// </summary>
internal static class OlderSales
{
    public const string V2 = "sales.order-placed.v2";

    /// <summary>The type v2 superseded, as the catalog records it.</summary>
    public static readonly EventTypeInfo V1 = EventCatalog.Current.EventTypes.Single(t => t.SupersededBy == V2);

    private static readonly string V1Schema = EventTypeRegistry.LoadSchema(V1.Schema).Id;

    /// <summary>The v1 envelope of an order-placed v2 envelope.</summary>
    public static byte[] AsV1(byte[] v2)
    {
        var envelope = JsonNode.Parse(v2)!.AsObject();
        if ((string?)envelope["type"] != V2)
        {
            throw new ArgumentException($"Not a {V2}: {envelope["type"]}", nameof(v2));
        }

        envelope["type"] = V1.Type;
        envelope["dataschema"] = V1Schema;
        envelope["data"]!.AsObject().Remove("shippingAddress");
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }

    /// <summary>Publishes the order-placed of every order <paramref name="sentAsV1"/> selects (by order id) as v1, everything else unchanged.</summary>
    public static Func<OutgoingEvent, OutgoingEvent> Rewrite(Func<string, bool> sentAsV1) =>
        e => e.Type == V2 && sentAsV1(e.PartitionKey) ? e with { Type = V1.Type, Body = AsV1(e.Body) } : e;
}
