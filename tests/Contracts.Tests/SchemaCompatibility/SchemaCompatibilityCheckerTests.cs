namespace Store.Contracts.Tests.SchemaCompatibility;

/// <summary>Compatible and breaking pairs for every rule of <see cref="SchemaCompatibilityChecker"/>, on a copy of sales.order-placed.v1.</summary>
public sealed class SchemaCompatibilityCheckerTests
{
    private static JsonObject OrderPlaced() => JsonNode.Parse(File.ReadAllText(RepoFiles.Path("schemas", "sales", "order-placed.v1.json")))!.AsObject();

    private static JsonObject Line(JsonObject schema) => schema["properties"]!["lines"]!["items"]!.AsObject();

    private static IReadOnlyList<string> CheckEdit(Action<JsonObject> edit)
    {
        var changed = OrderPlaced();
        edit(changed);
        return SchemaCompatibilityChecker.Check(OrderPlaced(), changed);
    }

    public static TheoryData<string, Action<JsonObject>> CompatibleEdits() => new()
    {
        { "unchanged", _ => { } },
        { "new optional field", s => s["properties"]!["note"] = new JsonObject { ["type"] = "string", ["maxLength"] = 200 } },
        { "new optional field in array items", s => Line(s)["properties"]!["discount"] = new JsonObject { ["type"] = "number" } },
        { "loosened maximum", s => Line(s)["properties"]!["quantity"]!["maximum"] = 5000 },
        { "loosened maxItems and maxLength", s => { s["properties"]!["lines"]!["maxItems"] = 500; s["properties"]!["orderId"]!["maxLength"] = 256; } },
        { "lowered minimum", s => Line(s)["properties"]!["quantity"]!["minimum"] = 0 },
        { "removed pattern", s => s["properties"]!["currency"]!.AsObject().Remove("pattern") },
        { "description and title changes", s => { s["description"] = "Reworded."; Line(s)["properties"]!["sku"]!["description"] = "Stock keeping unit."; } },
        { "integer widened to number", s => Line(s)["properties"]!["quantity"]!["type"] = "number" },
        { "null allowed", s => s["properties"]!["total"]!["type"] = new JsonArray("number", "null") },
        { "additionalProperties false to true", s => s["additionalProperties"] = true },
        { "minLength 0 added", s => s["properties"]!["customerId"]!["minLength"] = 0 },
    };

    [Theory]
    [MemberData(nameof(CompatibleEdits))]
    public void CompatibleChange_HasNoProblems(string change, Action<JsonObject> edit)
    {
        var problems = CheckEdit(edit);
        Assert.True(problems.Count == 0, $"{change}: {string.Join("; ", problems)}");
    }

    [Fact]
    public void AddedEnumValue_IsCompatible()
    {
        var released = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("schemas", "inventory", "stock-released.v1.json")))!;
        var changed = released.DeepClone();
        changed["properties"]!["reason"]!["enum"]!.AsArray().Add("order-expired");
        Assert.Empty(SchemaCompatibilityChecker.Check(released, changed));
    }

    public static TheoryData<string, Action<JsonObject>, string> BreakingEdits() => new()
    {
        { "property removed", s => s["properties"]!.AsObject().Remove("total"), "/total: property removed" },
        { "nested property removed", s => Line(s)["properties"]!.AsObject().Remove("unitPrice"), "/lines/items/unitPrice: property removed" },
        { "type changed", s => s["properties"]!["total"]!["type"] = "string", "/total: type changed from number to string" },
        { "number narrowed to integer", s => Line(s)["properties"]!["unitPrice"]!["type"] = "integer", "/lines/items/unitPrice: type changed from number to integer" },
        {
            "new required field",
            s => { s["properties"]!["channel"] = new JsonObject { ["type"] = "string" }; s["required"]!.AsArray().Add("channel"); },
            "/channel: new required property"
        },
        {
            "new required field in array items",
            s => { Line(s)["properties"]!["batch"] = new JsonObject { ["type"] = "string" }; Line(s)["required"]!.AsArray().Add("batch"); },
            "/lines/items/batch: new required property"
        },
        { "required became optional", s => s["required"]!.AsArray().RemoveAt(4), "/currency: required property became optional" },
        { "maximum lowered", s => Line(s)["properties"]!["quantity"]!["maximum"] = 500, "/lines/items/quantity: maximum lowered from 1000 to 500" },
        { "minimum raised", s => Line(s)["properties"]!["quantity"]!["minimum"] = 2, "/lines/items/quantity: minimum raised from 1 to 2" },
        { "exclusiveMinimum added", s => s["properties"]!["total"]!["exclusiveMinimum"] = 0, "/total: exclusiveMinimum added: 0" },
        { "exclusiveMaximum added", s => s["properties"]!["total"]!["exclusiveMaximum"] = 1000000, "/total: exclusiveMaximum added: 1000000" },
        { "minLength raised", s => s["properties"]!["orderId"]!["minLength"] = 3, "/orderId: minLength raised from 1 to 3" },
        { "maxLength lowered", s => s["properties"]!["orderId"]!["maxLength"] = 64, "/orderId: maxLength lowered from 128 to 64" },
        { "minItems raised", s => s["properties"]!["lines"]!["minItems"] = 2, "/lines: minItems raised from 1 to 2" },
        { "maxItems lowered", s => s["properties"]!["lines"]!["maxItems"] = 50, "/lines: maxItems lowered from 100 to 50" },
        { "pattern changed", s => s["properties"]!["currency"]!["pattern"] = "^(EUR|USD)$", "/currency: pattern changed from \"^[A-Z]{3}$\" to \"^(EUR|USD)$\"" },
        { "pattern added", s => s["properties"]!["orderId"]!["pattern"] = "^o-", "/orderId: pattern added: \"^o-\"" },
        { "format added", s => s["properties"]!["orderId"]!["format"] = "uuid", "/orderId: format added: \"uuid\"" },
        { "enum added", s => s["properties"]!["currency"]!["enum"] = new JsonArray("EUR", "USD"), "/currency: enum added: [\"EUR\",\"USD\"]" },
        { "const added", s => s["properties"]!["currency"]!["const"] = "EUR", "/currency: const added: \"EUR\"" },
        { "additionalProperties true to false", s => s["additionalProperties"] = false, "/: additionalProperties changed from true (default) to false" },
        { "nested additionalProperties to false", s => Line(s)["additionalProperties"] = false, "/lines/items: additionalProperties changed from true (default) to false" },
        { "uniqueItems added", s => s["properties"]!["lines"]!["uniqueItems"] = true, "/lines: uniqueItems added" },
        { "multipleOf added", s => Line(s)["properties"]!["unitPrice"]!["multipleOf"] = 0.01, "/lines/items/unitPrice: multipleOf added: 0.01" },
        { "unmodelled keyword added", s => s["properties"]!["lines"]!["contains"] = new JsonObject { ["type"] = "object" }, "/lines: contains changed from (none) to {\"type\":\"object\"}" },
        { "$id changed", s => s["$id"] = "https://schemas.store.example/sales/order-placed.v2.json", "/: $id changed" },
    };

    [Theory]
    [MemberData(nameof(BreakingEdits))]
    public void BreakingChange_IsReported_WithTheFieldPath(string change, Action<JsonObject> edit, string expected)
    {
        var problems = CheckEdit(edit);
        Assert.True(problems.Any(p => p.StartsWith(expected, StringComparison.Ordinal)), $"{change}: expected a problem starting with '{expected}', got: {string.Join("; ", problems)}");
    }

    [Fact]
    public void OptionalPropertyMadeRequired_IsReported()
    {
        var cancelled = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("schemas", "sales", "order-cancelled.v1.json")))!;
        var changed = cancelled.DeepClone();
        changed["required"]!.AsArray().Add("reason");
        Assert.Equal(["/reason: optional property became required"], SchemaCompatibilityChecker.Check(cancelled, changed));
    }

    [Fact]
    public void EnumValueRemoved_IsReported()
    {
        var tier = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("schemas", "loyalty", "tier-changed.v1.json")))!;
        var changed = tier.DeepClone();
        changed["properties"]!["newTier"]!["enum"] = new JsonArray("Silver", "Gold");
        Assert.Equal(["/newTier: enum values removed: \"Bronze\""], SchemaCompatibilityChecker.Check(tier, changed));
    }

    [Fact]
    public void NewPropertyThatOldAdditionalPropertiesAllowed_MustStillAcceptOldValues()
    {
        var notification = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("schemas", "notifications", "notification-requested.v1.json")))!;
        var changed = notification.DeepClone();
        changed["properties"]!["data"]!["properties"] = new JsonObject { ["total"] = new JsonObject { ["type"] = "number" } };
        Assert.Equal(["/data/total: type changed from string to number"], SchemaCompatibilityChecker.Check(notification, changed));
    }

    [Fact]
    public void SeveralBreakingChanges_AreAllReported()
    {
        var problems = CheckEdit(s =>
        {
            s["properties"]!.AsObject().Remove("total");
            Line(s)["properties"]!["quantity"]!["maximum"] = 500;
            s["properties"]!["currency"]!["pattern"] = "^EUR$";
        });
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void EveryCheckedInSchema_IsCompatibleWithItself()
    {
        foreach (var file in Directory.GetFiles(RepoFiles.Path("schemas"), "*.v*.json", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.Empty(SchemaCompatibilityChecker.Check(text, text));
        }
    }
}
