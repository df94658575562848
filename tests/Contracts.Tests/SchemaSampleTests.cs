using Json.Schema;
using Store.Eventing.CloudEvents;

namespace Store.Contracts.Tests;

/// <summary>Every event type's JSON Schema accepts a realistic sample and rejects broken ones (JsonSchema.Net 8, draft 2020-12).</summary>
public sealed class SchemaSampleTests
{
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };

    public static IReadOnlyDictionary<string, string> Samples => SchemaSamples.Valid;

    public static TheoryData<string> EventTypes() => [.. EventCatalog.Current.EventTypes.Select(t => t.Type)];

    private static JsonSchema SchemaOf(string type) =>
        EventTypeRegistry.LoadSchema(EventCatalog.Current.EventTypes.Single(t => t.Type == type).Schema).Schema;

    private static bool IsValid(string type, JsonNode instance) =>
        SchemaOf(type).Evaluate(JsonSerializer.SerializeToElement(instance), Options).IsValid;

    [Fact]
    public void EveryCatalogTypeHasASample()
    {
        Assert.Equal(EventCatalog.Current.EventTypes.Select(t => t.Type).Order(), Samples.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Sample_IsValid(string type)
    {
        var results = SchemaOf(type).Evaluate(JsonDocument.Parse(Samples[type]).RootElement, Options);
        Assert.True(results.IsValid, string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Values)));
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Sample_MissingAnyRequiredField_IsInvalid(string type)
    {
        var required = JsonNode.Parse(EmbeddedSchemas.ReadText(EventCatalog.Current.EventTypes.Single(t => t.Type == type).Schema))!["required"]!.AsArray();
        Assert.NotEmpty(required);
        foreach (var field in required.Select(n => (string)n!))
        {
            var instance = JsonNode.Parse(Samples[type])!.AsObject();
            instance.Remove(field);
            Assert.False(IsValid(type, instance), $"{type} without '{field}' should be invalid");
        }
    }

    [Theory]
    [InlineData("sales.order-placed.v1", "currency", "\"eur\"")]
    [InlineData("sales.order-placed.v1", "lines", "[]")]
    [InlineData("sales.order-placed.v1", "total", "-1")]
    [InlineData("inventory.stock-received.v1", "quantity", "0")]
    [InlineData("inventory.stock-received.v1", "quantity", "1.5")]
    [InlineData("inventory.stock-released.v1", "reason", "\"lost\"")]
    [InlineData("loyalty.tier-changed.v1", "newTier", "\"Platinum\"")]
    [InlineData("notifications.notification-requested.v1", "channel", "\"pigeon\"")]
    [InlineData("notifications.notification-requested.v1", "data", "{\"n\":1}")]
    [InlineData("operations.event-dead-lettered.v1", "bodyEncoding", "\"utf16\"")]
    public void Sample_WithAnOutOfContractValue_IsInvalid(string type, string field, string value)
    {
        var instance = JsonNode.Parse(Samples[type])!.AsObject();
        instance[field] = JsonNode.Parse(value);
        Assert.False(IsValid(type, instance));
    }

    [Fact]
    public void OrderLines_QuantityBounds_AreEnforced()
    {
        foreach (var (quantity, valid) in new[] { (0, false), (1, true), (1000, true), (1001, false) })
        {
            var instance = JsonNode.Parse(Samples["sales.order-placed.v1"])!.AsObject();
            instance["lines"]![0]!["quantity"] = quantity;
            Assert.Equal(valid, IsValid("sales.order-placed.v1", instance));
        }
    }

    [Fact]
    public void UnknownOptionalFields_AreAccepted_ForForwardCompatibility()
    {
        var instance = JsonNode.Parse(Samples["sales.order-placed.v1"])!.AsObject();
        instance["giftWrap"] = true;
        Assert.True(IsValid("sales.order-placed.v1", instance));
    }
}
