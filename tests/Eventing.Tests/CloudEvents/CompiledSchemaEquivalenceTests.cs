using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Store.Eventing.Catalog;
using Store.Eventing.CloudEvents;

using Store.TestSupport;

namespace Store.Eventing.Tests.CloudEvents;

/// <summary>
/// Differential test: for every catalog schema, the compiled validator's verdict equals JsonSchema.Net's <c>Flag</c> verdict
/// on the samples, on systematic mutations of them and on seeded random instances. JsonSchema.Net throwing (it cannot
/// read a lone surrogate) counts as "invalid": the compiled validator must then not accept. Instances that repeat a
/// property name are left out: the codec rejects them before either validator runs (CloudEventCodecTests), and the two
/// validators need not agree on them; <see cref="RepeatedNames_AreOutsideTheComparedDomain"/> keeps the filter honest.
/// </summary>
public sealed class CompiledSchemaEquivalenceTests
{
    private static readonly EvaluationOptions Flag = new() { OutputFormat = OutputFormat.Flag };

    private static IReadOnlyDictionary<string, string> Samples => SchemaSamples.Valid;

    // Values of every JSON type, with the number and string edge cases that matter for the keywords (raw JSON text).
    private static readonly string[] Palette =
    [
        "null", "true", "false",
        "0", "-0", "0.0", "-0.0", "-1", "1", "1.0", "1.5", "-1.5", "0.5", "2", "2.0", "2e0", "20e-1", "1e2", "1E2", "1e+2", "1e-2",
        "1e400", "-1e400", "1e-400", "-1e-400", "12345678901234567890123", "9007199254740993", "4503599627370496.5", "2251799813685248.5",
        "0.99999999999999999999", "1.00000000000000000001", "5000", "1000", "1001", "100", "101",
        "\"\"", "\"x\"", "\"EUR\"", "\"eur\"", "\"EUR\\n\"", "\"EUR\\r\\n\"", "\"EURO\"", "\"EU\"", "\"\\nEUR\"", "\"E\\u0301UR\"", "\"\\ud83d\\ude00\"", "\"😀\"",
        "\"e\\u0301\"", "\"\\r\\n\"", "\"\\ud83d\"", "\"\\ude00x\"", "\"é\"", "\"\\u00e9\"", "\"\\\\\"", "\"\\\"\"", "\"order-cancelled\"", "\"email\"",
        "\"Gold\"", "\"utf8\"", "\"malformed-json\"", "\"abc-1\"", "\"abc_1\"", "\"2026-01-01T00:00:00Z\"", "\"not a date\"",
        "[]", "[1]", "[\"a\"]", "[{}]", "{}", "{\"a\":1}", "{\"a\":\"b\"}", "{\"\\u0061\":\"b\"}",
    ];

    public static TheoryData<string> EventTypes() => [.. EventCatalog.Current.EventTypes.Select(t => t.Type)];

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void CompiledVerdict_EqualsJsonSchemaNet_OnSamplesMutationsAndRandomInstances(string type)
    {
        var path = EventCatalog.Current.EventTypes.Single(t => t.Type == type).Schema;
        var schemaText = EmbeddedSchemas.ReadText(path);
        Assert.True(CompiledSchema.TryCompile(schemaText, out var compiled, out var unsupported), unsupported);
        var reference = EventTypeRegistry.LoadSchema(path).Schema;
        var schema = JsonNode.Parse(schemaText)!.AsObject();

        var instances = new List<string> { Samples[type] };
        instances.AddRange(Variants(JsonNode.Parse(Samples[type]), schema));
        var random = new Random(HashCode(type));
        for (int i = 0; i < 400; i++)
        {
            instances.Add(RandomValue(random, schema, 0));
        }

        int valid = 0;
        var mismatches = new List<string>();
        foreach (var instance in instances.Where(i => !RepeatsAName(i)))
        {
            bool expected = Reference(reference, instance);
            bool actual = compiled.IsValid(Encoding.UTF8.GetBytes(instance));
            valid += expected ? 1 : 0;
            if (expected != actual)
            {
                mismatches.Add($"JsonSchema.Net {expected}, compiled {actual}: {instance}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{type}: {mismatches.Count} of {instances.Count} verdicts differ:\n" + string.Join("\n", mismatches.Take(20)));
        // The instances must exercise both verdicts in earnest.
        int compared = instances.Count(i => !RepeatsAName(i));
        Assert.True(valid >= 200 && compared - valid >= 400, $"{type}: {valid} valid and {compared - valid} invalid of {compared}");
    }

    [Fact]
    public void CompiledVerdict_EqualsJsonSchemaNet_OnKeywordEdgeCases()
    {
        // Keyword edge cases outside the catalog schemas' values: enum with true/false/null, type arrays, no type.
        string[] schemas =
        [
            """{"enum":["a",true,null]}""",
            """{"type":["string","null"],"minLength":2,"maxLength":3}""",
            """{"type":["integer","string"],"minimum":-2.5,"maximum":1e3}""",
            """{"minimum":0.5,"maximum":0.75}""",
            """{"properties":{"a":{"type":"integer"}},"required":["a","b"],"additionalProperties":{"type":"boolean"}}""",
            """{"items":{"type":"array","items":{"type":"number","maximum":-1e-3}},"minItems":2,"maxItems":3}""",
            """{"pattern":"^\\w+$"}""",
            """{"pattern":"\\d"}""",
        ];
        string[] extra = ["[[1],[-1]]", "[[-0.001],[-0.0011],[]]", "[[],[],[],[]]", "{\"a\":1,\"b\":true}", "{\"a\":1,\"b\":1}", "{\"b\":false,\"a\":1.0}", "\"\\u0663\"", "\"ab_c\"", "\"ab c\"", "\"ab\\u00e9\"", "0.75000000000000000001", "0.4999999999999999999999", "7.5e-1", "5E-1", "-2.5", "-2.50000000001", "-3"];
        var mismatches = new List<string>();
        foreach (var body in schemas)
        {
            var text = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"https://schemas.store.example/test.json\"," + body[1..];
            Assert.True(CompiledSchema.TryCompile(text, out var compiled, out var unsupported), unsupported);
            var reference = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            foreach (var instance in Palette.Concat(extra).Where(i => !RepeatsAName(i)))
            {
                bool expected = Reference(reference, instance);
                if (expected != compiled.IsValid(Encoding.UTF8.GetBytes(instance)))
                {
                    mismatches.Add($"{body}: JsonSchema.Net {expected} for {instance}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData("""{"$ref":"#/$defs/a","$defs":{"a":{}}}""", "$ref")]
    [InlineData("""{"allOf":[{"type":"string"}]}""", "allOf")]
    [InlineData("""{"const":"a"}""", "const")]
    [InlineData("""{"exclusiveMinimum":0}""", "exclusiveMinimum")]
    [InlineData("""{"multipleOf":2}""", "multipleOf")]
    [InlineData("""{"unevaluatedProperties":false}""", "unevaluatedProperties")]
    [InlineData("""{"patternProperties":{"^a":{}}}""", "patternProperties")]
    [InlineData("""{"additionalProperties":false}""", "additionalProperties")]
    [InlineData("""{"properties":{"a":{"$id":"https://x.example/a.json"}}}""", "$id")]
    [InlineData("""{"items":{"$schema":"https://json-schema.org/draft/2020-12/schema"}}""", "$schema")]
    [InlineData("""{"items":[{"type":"string"}]}""", "items")]
    [InlineData("""{"enum":[1,"a"]}""", "enum")]
    [InlineData("""{"enum":[{"a":1}]}""", "enum")]
    [InlineData("""{"type":"float"}""", "type")]
    [InlineData("""{"minLength":1.5}""", "minLength")]
    [InlineData("""{"maxItems":-1}""", "maxItems")]
    [InlineData("""{"properties":{"a":{"format":"date-time","contentEncoding":"base64"}}}""", "contentEncoding")]
    public void TryCompile_UnsupportedKeyword_ReportsIt(string body, string keyword)
    {
        var text = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"," + body[1..];

        Assert.False(CompiledSchema.TryCompile(text, out var compiled, out var unsupported));
        Assert.Null(compiled);
        Assert.Contains(keyword, unsupported, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCompile_OtherDraft_IsNotCompiled()
    {
        Assert.False(CompiledSchema.TryCompile("""{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}""", out _, out var unsupported));
        Assert.Contains("$schema", unsupported, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCatalogSchema_IsCompiled()
    {
        foreach (var type in EventCatalog.Current.EventTypes)
        {
            Assert.True(EventTypeRegistry.LoadCompiledSchema(type.Schema) is not null, $"{type.Type}: schemas/{type.Schema} is not compiled");
        }
    }

    [Theory]
    [InlineData("1", "1.0", 0)]
    [InlineData("-0", "0", 0)]
    [InlineData("0.5", "0", 1)]
    [InlineData("0", "0.5", -1)]
    [InlineData("-0.5", "0", -1)]
    [InlineData("1e400", "1000", 1)]
    [InlineData("-1e400", "-1000", -1)]
    [InlineData("1e-400", "0", 1)]
    [InlineData("0.99999999999999999999", "1", -1)]
    [InlineData("1000.00000000000000000001", "1000", 1)]
    [InlineData("100e-2", "1", 0)]
    [InlineData("12.5", "1.25e1", 0)]
    [InlineData("-12.5", "-12.4", -1)]
    public void CompareNumbers_IsExact(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(CompiledSchema.CompareNumbers(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b))));
        Assert.Equal(-sign, Math.Sign(CompiledSchema.CompareNumbers(Encoding.UTF8.GetBytes(b), Encoding.UTF8.GetBytes(a))));
    }

    private static bool Reference(JsonSchema schema, string instance)
    {
        using var document = JsonDocument.Parse(instance);
        try
        {
            return schema.Evaluate(document.RootElement, Flag).IsValid;
        }
        catch (InvalidOperationException)
        {
            // JsonSchema.Net cannot read the string (a lone surrogate): not valid.
            return false;
        }
    }

    private static int HashCode(string text)
    {
        int hash = 17;
        foreach (var c in text)
        {
            hash = unchecked(hash * 31 + c);
        }

        return hash;
    }

    // Systematic mutations of one value at every place of the schema; yields whole-instance JSON texts of the subtree.
    private static IEnumerable<string> Variants(JsonNode? value, JsonObject schema)
    {
        foreach (var snippet in Palette)
        {
            yield return snippet;
        }

        foreach (var snippet in Specific(value, schema))
        {
            yield return snippet;
        }

        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject ?? [];
            var required = (schema["required"] as JsonArray ?? []).Select(n => (string)n!).ToList();
            var members = obj.Select(p => (p.Key, Text: p.Value?.ToJsonString() ?? "null")).ToList();
            string Object(IEnumerable<(string Key, string Text)> m) => "{" + string.Join(",", m.Select(p => Str(p.Key, relaxed: true) + ":" + p.Text)) + "}";

            foreach (var name in required)
            {
                yield return Object(members.Where(m => m.Key != name));
            }

            foreach (var (name, propertySchema) in properties)
            {
                var current = obj[name];
                foreach (var variant in Variants(current, propertySchema!.AsObject()))
                {
                    yield return Object(members.Any(m => m.Key == name)
                        ? members.Select(m => m.Key == name ? (m.Key, variant) : m)
                        : members.Append((name, variant)));
                }
            }

            foreach (var extra in new[] { "1", "\"s\"", "null", "{}", "\"😀\"" })
            {
                yield return Object(members.Append(("extra", extra)));
                yield return Object(members.Append(("é", extra)));
            }

            yield return Object([]);
        }
        else if (value is JsonArray array && schema["items"] is JsonObject itemSchema)
        {
            var items = array.Select(i => i?.ToJsonString() ?? "null").ToList();
            for (int i = 0; i < Math.Min(2, items.Count); i++)
            {
                foreach (var variant in Variants(array[i], itemSchema))
                {
                    yield return "[" + string.Join(",", items.Select((item, j) => j == i ? variant : item)) + "]";
                }
            }
        }
    }

    // Boundary values for this schema's own keywords.
    private static IEnumerable<string> Specific(JsonNode? value, JsonObject schema)
    {
        if (schema["minLength"] is not null || schema["maxLength"] is not null)
        {
            int min = (int?)schema["minLength"] ?? 0;
            int max = (int?)schema["maxLength"] ?? min + 3;
            foreach (var length in new[] { min - 1, min, min + 1, max - 1, max, max + 1 }.Where(l => l >= 0).Distinct())
            {
                foreach (var unit in new[] { "a", "😀", "e\u0301", "\r\n", "\u00e9", "🇫🇷", "a\u200d" })
                {
                    var text = string.Concat(Enumerable.Repeat(unit, length));
                    yield return Str(text, relaxed: false);
                    yield return Str(text, relaxed: true);
                    if (length > 0)
                    {
                        yield return Str("a" + string.Concat(Enumerable.Repeat(unit, length - 1)), relaxed: true);
                    }
                }
            }
        }

        if (schema["enum"] is JsonArray values)
        {
            foreach (var v in values.Select(n => (string)n!))
            {
                foreach (var near in new[] { v, v + "x", v.ToUpperInvariant(), v.ToLowerInvariant(), v[1..], v + " ", v + "\n", " " + v, v.Normalize(NormalizationForm.FormD) })
                {
                    yield return Str(near, relaxed: true);
                }
            }
        }

        if (schema["pattern"] is not null && value is JsonValue current && current.TryGetValue<string>(out var s))
        {
            foreach (var near in new[] { s, s + "\n", s + "\r\n", "\n" + s, s.ToLowerInvariant(), s + "A", s[..^1], "é" + s[1..], s + "\u0000", s.Replace('-', '_') })
            {
                yield return Str(near, relaxed: true);
                yield return Str(near, relaxed: false);
            }
        }

        foreach (var bound in new[] { "minimum", "maximum" })
        {
            if (schema[bound] is JsonNode limit)
            {
                var b = decimal.Parse(limit.ToJsonString(), CultureInfo.InvariantCulture);
                foreach (var delta in new[] { 0m, 1m, -1m, 0.5m, -0.5m, 0.000000000000000000001m, -0.000000000000000000001m })
                {
                    yield return (b + delta).ToString(CultureInfo.InvariantCulture);
                }

                var text = limit.ToJsonString();
                yield return text + ".0";
                yield return text + "e0";
                yield return text + ".000000000000000000001";
                if (b != 0)
                {
                    yield return text + "0e-1";
                    yield return text + "000000000000000000001e-20";
                }
            }
        }

        if (schema["minItems"] is not null || schema["maxItems"] is not null)
        {
            var first = (value as JsonArray)?.FirstOrDefault()?.ToJsonString() ?? "{}";
            int max = (int?)schema["maxItems"] ?? 3;
            foreach (var count in new[] { 0, 1, max, max + 1 })
            {
                yield return "[" + string.Join(",", Enumerable.Repeat(first, count)) + "]";
            }
        }
    }

    [Fact]
    public void RepeatedNames_AreOutsideTheComparedDomain()
    {
        // The filter sees repeats after unescaping and at any depth, and nothing else.
        Assert.True(RepeatsAName("""{"a":1,"a":2}"""));
        Assert.True(RepeatsAName("""{"a":1,"\u0061":2}"""));
        Assert.True(RepeatsAName("""[{"x":{"b":[1,{"c":1,"c":1}]}}]"""));
        Assert.False(RepeatsAName("""{"a":{"a":1},"b":[{"a":1},{"a":1}],"A":1}"""));
    }

    // True when some object of the instance repeats a name (compared after unescaping, as the codec compares them).
    private static bool RepeatsAName(string instance)
    {
        using var document = JsonDocument.Parse(instance);
        return Repeats(document.RootElement);

        static bool Repeats(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Object => value.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).Any(g => g.Count() > 1)
                || value.EnumerateObject().Any(p => Repeats(p.Value)),
            JsonValueKind.Array => value.EnumerateArray().Any(Repeats),
            _ => false,
        };
    }


    private static string RandomValue(Random random, JsonObject? schema, int depth)
    {
        if (schema is null || random.NextDouble() < 0.06 || depth > 4)
        {
            return depth > 4 || random.NextDouble() < 0.7 ? Palette[random.Next(Palette.Length)] : RandomJson(random, depth);
        }

        if (schema["enum"] is JsonArray values)
        {
            var v = (string)values[random.Next(values.Count)]!;
            return Str(random.NextDouble() < 0.8 ? v : v[..random.Next(v.Length)] + RandomText(random, 2), relaxed: random.Next(2) == 0);
        }

        switch ((string?)schema["type"])
        {
            case "object":
            {
                var members = new List<string>();
                foreach (var (name, child) in schema["properties"] as JsonObject ?? [])
                {
                    if (random.NextDouble() < 0.93)
                    {
                        members.Add(Str(name, relaxed: true) + ":" + RandomValue(random, child!.AsObject(), depth + 1));
                    }
                }

                int extras = random.NextDouble() < 0.2 ? random.Next(1, 3) : 0;
                for (int i = 0; i < extras; i++)
                {
                    members.Add(Str(RandomText(random, 4), relaxed: true) + ":" + RandomValue(random, schema["additionalProperties"] as JsonObject, depth + 1));
                }

                return "{" + string.Join(",", members.OrderBy(_ => random.Next())) + "}";
            }

            case "array":
            {
                int count = random.NextDouble() < 0.1 ? random.Next(95, 103) : random.Next(0, 4);
                return "[" + string.Join(",", Enumerable.Range(0, count).Select(_ => RandomValue(random, schema["items"] as JsonObject, depth + 1))) + "]";
            }

            case "string":
            {
                if (schema["pattern"] is not null)
                {
                    const string alphabet = "ABCXYZabz-09é\n";
                    return Str(new string([.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.NextDouble() < 0.8 ? (char)('A' + random.Next(26)) : alphabet[random.Next(alphabet.Length)])]), relaxed: random.Next(2) == 0);
                }

                int max = (int?)schema["maxLength"] ?? 10;
                int length = random.NextDouble() < 0.15 ? max + random.Next(-2, 3) : random.Next(0, Math.Min(max, 12) + 1);
                return Str(RandomText(random, Math.Max(0, length)), relaxed: random.Next(2) == 0);
            }

            case "integer":
            case "number":
            {
                var r = random.NextDouble();
                long lo = (long?)(double?)schema["minimum"] ?? -10;
                long hi = (long?)(double?)schema["maximum"] ?? lo + 100;
                long n = random.NextInt64(lo - 2, hi + 3);
                return r switch
                {
                    < 0.5 => n.ToString(CultureInfo.InvariantCulture),
                    < 0.7 => n + "." + random.Next(0, 100).ToString("00", CultureInfo.InvariantCulture),
                    < 0.8 => n + ".0",
                    < 0.9 => n + "e" + random.Next(-3, 3),
                    _ => Palette[random.Next(3, 36)],
                };
            }

            default:
                return RandomJson(random, depth);
        }
    }

    private static string RandomJson(Random random, int depth) => random.Next(depth > 3 ? 4 : 6) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => (random.NextDouble() * 2000 - 1000).ToString("R", CultureInfo.InvariantCulture),
        3 => Str(RandomText(random, random.Next(0, 6)), relaxed: random.Next(2) == 0),
        4 => "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 3)).Select(_ => RandomJson(random, depth + 1))) + "]",
        _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 3)).Select(_ => Str(RandomText(random, 3), relaxed: true) + ":" + RandomJson(random, depth + 1))) + "}",
    };

    private static string RandomText(Random random, int units)
    {
        string[] pieces = ["a", "Z", "0", "-", " ", "é", "e\u0301", "😀", "\r\n", "\n", "\"", "\\", "\u0000", "ß", "🇫🇷"];
        var builder = new StringBuilder();
        for (int i = 0; i < units; i++)
        {
            builder.Append(random.NextDouble() < 0.7 ? pieces[random.Next(4)] : pieces[random.Next(pieces.Length)]);
        }

        return builder.ToString();
    }

    private static string Str(string value, bool relaxed)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = relaxed ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default }))
        {
            writer.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
