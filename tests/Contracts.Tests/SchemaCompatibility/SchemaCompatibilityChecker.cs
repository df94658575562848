using System.Globalization;
using System.Text.Json.Nodes;

namespace Store.Contracts.SchemaCompatibility;

/// <summary>
/// Checks that a new version of an event's JSON Schema is backward compatible with the old one inside the same major version
/// (<c>&lt;domain&gt;.&lt;event&gt;.vN</c>): it may only add optional properties and loosen constraints.
/// </summary>
/// <remarks>
/// Breaking is anything that could make an event that was valid under the old schema invalid under the new one (history is
/// replayed from the start of the streams, so old events must stay valid), plus anything that takes away a field consumers may
/// rely on (removing a property, or making a required one optional). Keywords the checker does not model are only accepted
/// when unchanged. A breaking change needs a new major version: a new type, <c>….v2</c>, with its own schema file.
/// </remarks>
public static class SchemaCompatibilityChecker
{
    // Annotations: they do not change which instances are valid.
    private static readonly HashSet<string> Annotations =
    [
        "title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly",
    ];

    // Keywords compared by the rules below.
    private static readonly HashSet<string> Modelled =
    [
        "$schema", "$id", "type", "enum", "const", "properties", "required", "additionalProperties", "items", "pattern", "format",
        "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "minItems", "maxItems", "minProperties", "maxProperties", "uniqueItems",
    ];

    private static readonly string[] LowerBounds = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"];
    private static readonly string[] UpperBounds = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"];

    /// <summary>Returns one message per breaking change, each starting with the JSON path of the field; empty when compatible.</summary>
    public static IReadOnlyList<string> Check(JsonNode? oldSchema, JsonNode? newSchema)
    {
        var problems = new List<string>();
        Compare(oldSchema, newSchema, "", problems);
        return problems;
    }

    /// <summary>Parses two schema texts and checks them.</summary>
    public static IReadOnlyList<string> Check(string oldSchemaJson, string newSchemaJson) =>
        Check(JsonNode.Parse(oldSchemaJson), JsonNode.Parse(newSchemaJson));

    private static void Compare(JsonNode? oldNode, JsonNode? newNode, string path, List<string> problems)
    {
        void Report(string message) => problems.Add($"{(path.Length == 0 ? "/" : path)}: {message}");

        // Boolean schemas: false accepts nothing, true (like a missing schema) accepts everything.
        if (IsFalse(oldNode))
        {
            return;
        }

        if (IsFalse(newNode))
        {
            Report("schema is now false (accepts nothing)");
            return;
        }

        var oldSchema = oldNode as JsonObject ?? [];
        var newSchema = newNode as JsonObject ?? [];

        foreach (var keyword in new[] { "$schema", "$id" })
        {
            if (oldSchema[keyword] is not null && !JsonNode.DeepEquals(oldSchema[keyword], newSchema[keyword]))
            {
                Report($"{keyword} changed from {Show(oldSchema[keyword])} to {Show(newSchema[keyword])}");
            }
        }

        CompareTypes(oldSchema, newSchema, Report);
        CompareEnumAndConst(oldSchema, newSchema, Report);
        CompareBounds(oldSchema, newSchema, Report);

        foreach (var keyword in new[] { "pattern", "format" })
        {
            if (newSchema[keyword] is { } added && oldSchema[keyword] is null)
            {
                Report($"{keyword} added: {Show(added)}");
            }
            else if (newSchema[keyword] is not null && !JsonNode.DeepEquals(oldSchema[keyword], newSchema[keyword]))
            {
                Report($"{keyword} changed from {Show(oldSchema[keyword])} to {Show(newSchema[keyword])}");
            }
        }

        if (IsTrue(newSchema["uniqueItems"]) && !IsTrue(oldSchema["uniqueItems"]))
        {
            Report("uniqueItems added");
        }

        CompareObjects(oldSchema, newSchema, path, Report, problems);

        if (oldSchema["items"] is not null || newSchema["items"] is not null)
        {
            Compare(oldSchema["items"], newSchema["items"], path + "/items", problems);
        }

        foreach (var keyword in oldSchema.Select(p => p.Key).Union(newSchema.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            if (!Modelled.Contains(keyword) && !Annotations.Contains(keyword) && !JsonNode.DeepEquals(oldSchema[keyword], newSchema[keyword]))
            {
                Report($"{keyword} changed from {Show(oldSchema[keyword])} to {Show(newSchema[keyword])}; the checker cannot prove that compatible (review it, or add a new major version)");
            }
        }
    }

    private static void CompareTypes(JsonObject oldSchema, JsonObject newSchema, Action<string> report)
    {
        var oldTypes = Types(oldSchema["type"]);
        var newTypes = Types(newSchema["type"]);
        if (newTypes is null)
        {
            return;
        }

        // A missing type accepts every type; number accepts every integer.
        var covered = oldTypes is not null && oldTypes.All(t => newTypes.Contains(t) || (t == "integer" && newTypes.Contains("number")));
        if (!covered)
        {
            report($"type changed from {ShowTypes(oldTypes)} to {ShowTypes(newTypes)}");
        }
    }

    private static void CompareEnumAndConst(JsonObject oldSchema, JsonObject newSchema, Action<string> report)
    {
        if (newSchema["enum"] is JsonArray newEnum)
        {
            if (oldSchema["enum"] is JsonArray oldEnum)
            {
                var removed = oldEnum.Where(o => !newEnum.Any(n => JsonNode.DeepEquals(o, n))).ToArray();
                if (removed.Length > 0)
                {
                    report($"enum values removed: {string.Join(", ", removed.Select(Show))}");
                }
            }
            else
            {
                report($"enum added: {Show(newEnum)}");
            }
        }

        if (newSchema["const"] is { } newConst && !JsonNode.DeepEquals(oldSchema["const"], newConst))
        {
            report(oldSchema["const"] is null ? $"const added: {Show(newConst)}" : $"const changed from {Show(oldSchema["const"])} to {Show(newConst)}");
        }
    }

    private static void CompareBounds(JsonObject oldSchema, JsonObject newSchema, Action<string> report)
    {
        foreach (var keyword in LowerBounds)
        {
            var (oldValue, newValue) = (Number(oldSchema[keyword]), Number(newSchema[keyword]));
            if (newValue is null)
            {
                continue;
            }

            // minLength/minItems/minProperties of 0 is the default: adding it changes nothing.
            if (oldValue is null && !(newValue == 0 && keyword.StartsWith("min", StringComparison.Ordinal) && keyword != "minimum"))
            {
                report($"{keyword} added: {Show(newSchema[keyword])}");
            }
            else if (oldValue is not null && newValue > oldValue)
            {
                report($"{keyword} raised from {Show(oldSchema[keyword])} to {Show(newSchema[keyword])}");
            }
        }

        foreach (var keyword in UpperBounds)
        {
            var (oldValue, newValue) = (Number(oldSchema[keyword]), Number(newSchema[keyword]));
            if (newValue is null)
            {
                continue;
            }

            if (oldValue is null)
            {
                report($"{keyword} added: {Show(newSchema[keyword])}");
            }
            else if (newValue < oldValue)
            {
                report($"{keyword} lowered from {Show(oldSchema[keyword])} to {Show(newSchema[keyword])}");
            }
        }

        // A new multipleOf is only looser when it divides the old one (every multiple of 10 is a multiple of 5).
        if (Number(newSchema["multipleOf"]) is { } newStep)
        {
            var oldStep = Number(oldSchema["multipleOf"]);
            if (oldStep is null)
            {
                report($"multipleOf added: {Show(newSchema["multipleOf"])}");
            }
            else if (oldStep % newStep != 0)
            {
                report($"multipleOf changed from {Show(oldSchema["multipleOf"])} to {Show(newSchema["multipleOf"])}");
            }
        }
    }

    private static void CompareObjects(JsonObject oldSchema, JsonObject newSchema, string path, Action<string> report, List<string> problems)
    {
        var oldProperties = oldSchema["properties"] as JsonObject ?? [];
        var newProperties = newSchema["properties"] as JsonObject ?? [];
        var oldRequired = Names(oldSchema["required"]);
        var newRequired = Names(newSchema["required"]);

        foreach (var (name, oldProperty) in oldProperties)
        {
            if (!newProperties.ContainsKey(name))
            {
                problems.Add($"{path}/{Escape(name)}: property removed");
                continue;
            }

            Compare(oldProperty, newProperties[name], $"{path}/{Escape(name)}", problems);
        }

        foreach (var (name, newProperty) in newProperties)
        {
            // Old events may carry this name as an additional property: it must still satisfy the new definition.
            if (!oldProperties.ContainsKey(name) && oldSchema["additionalProperties"] is JsonObject oldAdditional)
            {
                Compare(oldAdditional, newProperty, $"{path}/{Escape(name)}", problems);
            }
        }

        foreach (var name in newRequired.Except(oldRequired, StringComparer.Ordinal))
        {
            problems.Add(oldProperties.ContainsKey(name)
                ? $"{path}/{Escape(name)}: optional property became required"
                : $"{path}/{Escape(name)}: new required property (add it as optional within a major version)");
        }

        foreach (var name in oldRequired.Except(newRequired, StringComparer.Ordinal))
        {
            problems.Add($"{path}/{Escape(name)}: required property became optional (consumers may rely on it)");
        }

        var (oldAdditionalProperties, newAdditionalProperties) = (oldSchema["additionalProperties"], newSchema["additionalProperties"]);
        if (IsFalse(newAdditionalProperties) && !IsFalse(oldAdditionalProperties))
        {
            report($"additionalProperties changed from {(oldAdditionalProperties is null ? "true (default)" : Show(oldAdditionalProperties))} to false");
        }
        else if (newAdditionalProperties is JsonObject)
        {
            Compare(oldAdditionalProperties, newAdditionalProperties, path + "/additionalProperties", problems);
        }
    }

    private static bool IsFalse(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var b) && !b;

    private static bool IsTrue(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var b) && b;

    private static decimal? Number(JsonNode? node) =>
        node is JsonValue && decimal.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static HashSet<string>? Types(JsonNode? type) => type switch
    {
        null => null,
        JsonArray many => many.Select(t => (string?)t ?? "").ToHashSet(StringComparer.Ordinal),
        _ => [(string?)type ?? ""],
    };

    private static string ShowTypes(HashSet<string>? types) => types switch
    {
        null => "any",
        { Count: 1 } => types.Single(),
        _ => "[" + string.Join(", ", types.Order(StringComparer.Ordinal)) + "]",
    };

    private static string[] Names(JsonNode? required) =>
        required is JsonArray names ? [.. names.Select(n => (string?)n).OfType<string>()] : [];

    private static string Show(JsonNode? node) => node is null ? "(none)" : node.ToJsonString();

    // JSON Pointer escaping, so a field named "a/b" cannot be read as a path.
    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
