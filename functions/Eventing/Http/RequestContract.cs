using System.Text.Json.Nodes;
using Json.Pointer;

namespace Store.Eventing.Http;

/// <summary>The result of validating a request: the command, or every error per field.</summary>
public sealed record Validated<T>(T? Value, IReadOnlyDictionary<string, string[]> Errors)
    where T : class
{
    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0 && Value is not null;

    public static Validated<T> Invalid(string field, string message) => new(null, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// A request body's contract, one of the JSON Schemas in <c>schemas/http/</c>: every error is reported, keyed as clients
/// see fields (<c>lines[0].sku</c>, <c>body</c>), then the request is bound from the same parsed data. A <c>pattern</c>
/// or <c>enum</c> is explained by the <c>description</c> next to it.
/// </summary>
public sealed class RequestContract<T>(string schemaFile, JsonTypeInfo<T> type)
    where T : class
{
    private static readonly EvaluationOptions ListErrors = new() { OutputFormat = OutputFormat.List };

    private readonly JsonSchema _schema = EventTypeRegistry.LoadSchema("http/" + schemaFile).Schema;
    private readonly JsonNode _source = JsonNode.Parse(EmbeddedSchemas.ReadText("http/" + schemaFile))!;

    /// <summary>Validates <paramref name="body"/> against the schema and binds it.</summary>
    public Validated<T> Bind(JsonElement body)
    {
        if (Errors(body) is { Count: > 0 } errors)
        {
            return new(null, errors);
        }

        try
        {
            return new(body.Deserialize(type), new Dictionary<string, string[]>());
        }
        catch (JsonException ex)
        {
            // Valid by the schema but not representable (e.g. a number beyond decimal); the path is the field ("$.lines[0].unitPrice").
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "body";
            return Validated<T>.Invalid(field, $"{field} is out of range.");
        }
    }

    /// <summary>
    /// True when <paramref name="value"/> meets the schema's rules for the top-level <paramref name="property"/>: the same
    /// rules for a value that arrives elsewhere, e.g. an id in a route.
    /// </summary>
    public bool Accepts(string property, string value)
    {
        using var probe = JsonDocument.Parse(new JsonObject { [property] = value }.ToJsonString());
        return !Errors(probe.RootElement).ContainsKey(property);
    }

    // Every error of the body per field; empty when the schema accepts it.
    private Dictionary<string, string[]> Errors(JsonElement body)
    {
        var results = _schema.Evaluate(body, ListErrors);
        return results.IsValid
            ? []
            : (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.SelectMany(e => Describe(d, e.Key, e.Value, body)))
                .GroupBy(e => e.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).Distinct().ToArray(), StringComparer.Ordinal);
    }

    private IEnumerable<(string Field, string Message)> Describe(EvaluationResults at, string keyword, string libraryMessage, JsonElement body)
    {
        var field = FieldOf(at.InstanceLocation);
        var node = SchemaAt(at.InstanceLocation);
        var rule = node?[keyword];
        if (keyword == "required")
        {
            // One error per missing property, keyed by the property's own path.
            var present = at.InstanceLocation.Evaluate(body) is { ValueKind: JsonValueKind.Object } obj ? obj : default;
            foreach (var name in rule?.AsArray().Select(n => (string)n!) ?? [])
            {
                if (present.ValueKind != JsonValueKind.Object || !present.TryGetProperty(name, out _))
                {
                    yield return (field == "body" ? name : $"{field}.{name}", $"{name} is required.");
                }
            }

            yield break;
        }

        if (keyword == "pattern" && at.InstanceLocation.Evaluate(body)?.GetString() is "")
        {
            yield break; // minLength already says the string is empty
        }

        var subject = field == "body" ? "The body" : field;
        yield return (field, keyword switch
        {
            "type" => $"{subject} must be {string.Join(" or ", ((rule as JsonArray)?.Select(t => (string)t!) ?? [(string)rule!]).Select(Kind))}.",
            "minLength" when (int)rule! == 1 => $"{subject} must not be empty.",
            "minLength" => $"{subject} must be at least {rule} characters.",
            "maxLength" => $"{subject} must be at most {rule} characters.",
            "minimum" => $"{subject} must be at least {rule}.",
            "maximum" => $"{subject} must be at most {rule}.",
            "minItems" => $"{subject} must have at least {rule} items.",
            "maxItems" => $"{subject} must have at most {rule} items.",
            "pattern" or "enum" when node?["description"] is { } description => $"{subject}: {description}",
            _ => $"{subject}: {libraryMessage}",
        });
    }

    // The subschema that rules a location (these schemas nest only by properties and items; the library's evaluation
    // paths repeat "items" segments, so the schema is walked along the instance's path instead).
    private JsonNode? SchemaAt(JsonPointer location) =>
        Segments(location).Aggregate<string, JsonNode?>(_source, (node, segment) => int.TryParse(segment, out _) ? node?["items"] : node?["properties"]?[segment]);

    private static IEnumerable<string> Segments(JsonPointer location) =>
        location.ToString().Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));

    private static string Kind(string type) => type switch
    {
        "object" or "array" or "integer" => "an " + type,
        "null" => "null",
        _ => "a " + type,
    };

    // "/lines/0/sku" -> "lines[0].sku"; the root is "body".
    private static string FieldOf(JsonPointer location)
    {
        var field = new StringBuilder();
        foreach (var segment in Segments(location))
        {
            if (int.TryParse(segment, out var index) && field.Length > 0)
            {
                field.Append('[').Append(index).Append(']');
            }
            else
            {
                field.Append(field.Length > 0 ? "." : "").Append(segment);
            }
        }

        return field.Length == 0 ? "body" : field.ToString();
    }
}

/// <summary>Reads an int written as any whole JSON number (2 or 2.0, both "integer" to JSON Schema); writes it as is.</summary>
public sealed class WholeNumberConverter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TryGetInt32(out var value) ? value
        : reader.TryGetDecimal(out var number) && number == decimal.Truncate(number) && number is >= int.MinValue and <= int.MaxValue ? (int)number
        : throw new JsonException("Not a whole number in the range of an int.");

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
