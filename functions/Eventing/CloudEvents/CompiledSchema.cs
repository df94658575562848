// Design note: a compiled validator for the hot path (issue #6).
//
// Why compiled: JsonSchema.Net evaluates a schema by walking keyword handlers over a JsonElement and allocates per
// evaluation; on the stateless hot path it was ~85% of the kit's cost per event. Our schemas use a small, flat keyword
// subset, so each schema is compiled once into a tree of plain checks that runs over the raw UTF-8 of `data` with a
// Utf8JsonReader, stops at the first failure (like OutputFormat.Flag) and allocates nothing for ASCII-sized strings.
//
// Why JsonSchema.Net stays the authority for rejections: this validator is only trusted when it says "valid". When it
// says "invalid", the codec evaluates the same instance with JsonSchema.Net (OutputFormat.List) and uses that verdict and
// its error texts. A bug that makes this validator too strict can therefore never dead-letter a valid event; it only
// costs time. A schema with any keyword outside the supported subset (or a $ref, a nested $id, a non-2020-12 $schema, a
// non-string enum value, ...) is not compiled at all: TryCompile reports why and the codec uses JsonSchema.Net for it.
// No keyword is ever silently ignored.
//
// Semantics follow JsonSchema.Net 8.0.5 as it behaves with the codec's options (checked by probing it, and pinned by
// CompiledSchemaEquivalenceTests, a differential test that compares this validator's verdict with JsonSchema.Net's Flag
// verdict on the catalog samples, systematic mutations of them and a few thousand seeded random instances):
// - `integer`: a number whose double value has no fractional part (1.0, 1e2 and 1e400 are integers, 0.5 is not).
// - `minimum`/`maximum`: exact decimal comparison of the JSON number text (no rounding through double).
// - `minLength`/`maxLength`: length in text elements (extended grapheme clusters, as StringInfo counts them), not UTF-16
//   units or code points: "e\u0301", a flag and "\r\n" each have length 1.
// - `pattern`: unanchored .NET regex with RegexOptions.ECMAScript (so `$` also matches before a final "\n").
// - `enum`: only string, true, false and null values are compiled; strings compare ordinally after unescaping.
// - `format`: an annotation (the codec does not set RequireFormatValidation), so it asserts nothing.
// - `properties`: when an object repeats a declared name, the first occurrence is the one checked (JsonSchema.Net looks
//   the name up); `additionalProperties` checks every occurrence of an undeclared name. The codec never asks either
//   validator about such an object: it rejects repeated names first (JsonNameScan.cs), because System.Text.Json binds
//   the last occurrence. The differential test therefore leaves them out.
using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Store.Eventing.CloudEvents;

/// <summary>
/// A JSON Schema (draft 2020-12, a flat keyword subset) compiled once into direct checks over UTF-8 JSON. Only its
/// "valid" verdict is authoritative; see the design note at the top of this file.
/// </summary>
public sealed class CompiledSchema
{
    /// <summary>The only <c>$schema</c> the compiler accepts.</summary>
    public const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";

    // The regex options JsonSchema.Net 8.0.5 uses for `pattern`.
    private const RegexOptions PatternOptions = RegexOptions.ECMAScript | RegexOptions.Compiled;

    // Longest string decoded on the stack; longer ones use a pooled buffer.
    private const int StackChars = 256;

    private readonly Node _root;

    private CompiledSchema(Node root) => _root = root;

    /// <summary>
    /// Compiles <paramref name="schemaJson"/>. Returns false, with the reason in <paramref name="unsupported"/>, when the
    /// schema uses anything outside the supported subset; such a schema must be evaluated with JsonSchema.Net.
    /// </summary>
    public static bool TryCompile(string schemaJson, [NotNullWhen(true)] out CompiledSchema? schema, [NotNullWhen(false)] out string? unsupported)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        schema = null;
        using var document = JsonDocument.Parse(schemaJson);
        var root = Compile(document.RootElement, "", isRoot: true, out unsupported);
        if (root is null)
        {
            unsupported ??= "/: not compiled";
            return false;
        }

        schema = new CompiledSchema(root);
        unsupported = null;
        return true;
    }

    /// <summary>
    /// True when <paramref name="utf8Json"/> (one complete JSON value) is valid. False means "invalid or not decided here":
    /// the caller must ask JsonSchema.Net before rejecting anything.
    /// </summary>
    public bool IsValid(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            return reader.Read() && Validate(ref reader, _root);
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string that is not valid UTF-16 after unescaping (a lone surrogate): JsonSchema.Net decides.
            return false;
        }
    }

    [Flags]
    private enum Types
    {
        None = 0,
        Null = 1,
        Boolean = 2,
        Object = 4,
        Array = 8,
        Number = 16,
        Integer = 32,
        String = 64,
        Any = Null | Boolean | Object | Array | Number | Integer | String,
    }

    private sealed class Node
    {
        public Types Types = Types.Any;
        public bool HasEnum;
        public byte[][] EnumStrings = [];
        public bool EnumTrue;
        public bool EnumFalse;
        public bool EnumNull;
        public long MinLength;
        public long MaxLength = long.MaxValue;
        public Regex? Pattern;
        public byte[]? Minimum;
        public byte[]? Maximum;
        public Property[] Properties = [];
        public ulong RequiredMask;
        public Node? AdditionalProperties;
        public Node? Items;
        public long MinItems;
        public long MaxItems = long.MaxValue;

        public bool HasStringChecks => HasEnum || MinLength > 0 || MaxLength != long.MaxValue || Pattern is not null;

        public bool HasObjectChecks => Properties.Length > 0 || AdditionalProperties is not null;

        public bool HasArrayChecks => Items is not null || MinItems > 0 || MaxItems != long.MaxValue;
    }

    // A name the object checks care about: declared in `properties` (Node set) and/or listed in `required`.
    private sealed record Property(byte[] Name, Node? Node);

    private static Node? Compile(JsonElement schema, string path, bool isRoot, out string? unsupported)
    {
        unsupported = null;
        if (schema.ValueKind != JsonValueKind.Object)
        {
            unsupported = $"{At(path)}: boolean or non-object schemas are not compiled";
            return null;
        }

        var node = new Node();
        var declared = new List<Property>();
        var required = new List<string>();
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            var at = path + "/" + keyword.Name;
            switch (keyword.Name)
            {
                case "$schema" when isRoot && value.ValueKind == JsonValueKind.String && value.GetString() == Draft202012:
                case "$id" when isRoot && value.ValueKind == JsonValueKind.String:
                case "title" when value.ValueKind == JsonValueKind.String:
                case "description" when value.ValueKind == JsonValueKind.String:
                // An annotation only: the codec evaluates with JsonSchema.Net's default options (no RequireFormatValidation).
                case "format" when value.ValueKind == JsonValueKind.String:
                    break;
                case "type":
                    node.Types = ParseTypes(value);
                    if (node.Types == Types.None)
                    {
                        unsupported = $"{at}: unrecognised type";
                        return null;
                    }

                    break;
                case "properties" when value.ValueKind == JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        var child = Compile(property.Value, at + "/" + property.Name, isRoot: false, out unsupported);
                        if (child is null)
                        {
                            return null;
                        }

                        declared.Add(new Property(Encoding.UTF8.GetBytes(property.Name), child));
                    }

                    break;
                case "required" when value.ValueKind == JsonValueKind.Array:
                    foreach (var name in value.EnumerateArray())
                    {
                        if (name.ValueKind != JsonValueKind.String)
                        {
                            unsupported = $"{at}: non-string entry";
                            return null;
                        }

                        required.Add(name.GetString()!);
                    }

                    break;
                case "additionalProperties":
                    node.AdditionalProperties = Compile(value, at, isRoot: false, out unsupported);
                    if (node.AdditionalProperties is null)
                    {
                        return null;
                    }

                    break;
                case "items":
                    node.Items = Compile(value, at, isRoot: false, out unsupported);
                    if (node.Items is null)
                    {
                        return null;
                    }

                    break;
                case "minItems" when NonNegative(value, out var minItems):
                    node.MinItems = minItems;
                    break;
                case "maxItems" when NonNegative(value, out var maxItems):
                    node.MaxItems = maxItems;
                    break;
                case "minLength" when NonNegative(value, out var minLength):
                    node.MinLength = minLength;
                    break;
                case "maxLength" when NonNegative(value, out var maxLength):
                    node.MaxLength = maxLength;
                    break;
                case "minimum" when value.ValueKind == JsonValueKind.Number:
                    node.Minimum = Encoding.UTF8.GetBytes(value.GetRawText());
                    break;
                case "maximum" when value.ValueKind == JsonValueKind.Number:
                    node.Maximum = Encoding.UTF8.GetBytes(value.GetRawText());
                    break;
                case "pattern" when value.ValueKind == JsonValueKind.String:
                    node.Pattern = new Regex(value.GetString()!, PatternOptions);
                    break;
                case "enum" when value.ValueKind == JsonValueKind.Array:
                    if (!CompileEnum(node, value))
                    {
                        unsupported = $"{at}: only string, true, false and null values are compiled";
                        return null;
                    }

                    break;
                default:
                    unsupported = $"{at}: keyword '{keyword.Name}' (or its value) is not supported by the compiled validator";
                    return null;
            }
        }

        foreach (var name in required)
        {
            if (!declared.Exists(p => Encoding.UTF8.GetString(p.Name) == name))
            {
                declared.Add(new Property(Encoding.UTF8.GetBytes(name), null));
            }
        }

        if (declared.Count > 64)
        {
            unsupported = $"{At(path)}: more than 64 declared or required properties";
            return null;
        }

        node.Properties = [.. declared];
        for (int i = 0; i < declared.Count; i++)
        {
            if (required.Contains(Encoding.UTF8.GetString(declared[i].Name)))
            {
                node.RequiredMask |= 1UL << i;
            }
        }

        return node;
    }

    private static string At(string path) => path.Length == 0 ? "/" : path;

    private static bool NonNegative(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out result) && result >= 0;
    }

    private static Types ParseTypes(JsonElement value)
    {
        static Types One(string? name) => name switch
        {
            "null" => Types.Null,
            "boolean" => Types.Boolean,
            "object" => Types.Object,
            "array" => Types.Array,
            "number" => Types.Number | Types.Integer,
            "integer" => Types.Integer,
            "string" => Types.String,
            _ => Types.None,
        };

        if (value.ValueKind == JsonValueKind.String)
        {
            return One(value.GetString());
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return Types.None;
        }

        var types = Types.None;
        foreach (var item in value.EnumerateArray())
        {
            var one = item.ValueKind == JsonValueKind.String ? One(item.GetString()) : Types.None;
            if (one == Types.None)
            {
                return Types.None;
            }

            types |= one;
        }

        return types;
    }

    private static bool CompileEnum(Node node, JsonElement values)
    {
        var strings = new List<byte[]>();
        foreach (var value in values.EnumerateArray())
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    strings.Add(Encoding.UTF8.GetBytes(value.GetString()!));
                    break;
                case JsonValueKind.True:
                    node.EnumTrue = true;
                    break;
                case JsonValueKind.False:
                    node.EnumFalse = true;
                    break;
                case JsonValueKind.Null:
                    node.EnumNull = true;
                    break;
                default:
                    return false;
            }
        }

        node.HasEnum = true;
        node.EnumStrings = [.. strings];
        return true;
    }

    // The reader is on the value's first token; on success it is left on the value's last token.
    private static bool Validate(ref Utf8JsonReader reader, Node node)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                if ((node.Types & Types.Object) == 0 || node.HasEnum)
                {
                    return false;
                }

                if (!node.HasObjectChecks)
                {
                    reader.Skip();
                    return true;
                }

                return ValidateObject(ref reader, node);
            case JsonTokenType.StartArray:
                if ((node.Types & Types.Array) == 0 || node.HasEnum)
                {
                    return false;
                }

                if (!node.HasArrayChecks)
                {
                    reader.Skip();
                    return true;
                }

                return ValidateArray(ref reader, node);
            case JsonTokenType.String:
                return (node.Types & Types.String) != 0 && (!node.HasStringChecks || ValidateString(ref reader, node));
            case JsonTokenType.Number:
                return TypeAllowsNumber(reader.ValueSpan, node.Types) && !node.HasEnum
                    && (node.Minimum is null || CompareNumbers(reader.ValueSpan, node.Minimum) >= 0)
                    && (node.Maximum is null || CompareNumbers(reader.ValueSpan, node.Maximum) <= 0);
            case JsonTokenType.True:
                return (node.Types & Types.Boolean) != 0 && (!node.HasEnum || node.EnumTrue);
            case JsonTokenType.False:
                return (node.Types & Types.Boolean) != 0 && (!node.HasEnum || node.EnumFalse);
            case JsonTokenType.Null:
                return (node.Types & Types.Null) != 0 && (!node.HasEnum || node.EnumNull);
            default:
                return false;
        }
    }

    private static bool ValidateObject(ref Utf8JsonReader reader, Node node)
    {
        var properties = node.Properties;
        ulong seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int index = -1;
            for (int i = 0; i < properties.Length; i++)
            {
                if (reader.ValueTextEquals(properties[i].Name))
                {
                    index = i;
                    break;
                }
            }

            reader.Read();
            if (index >= 0)
            {
                ulong bit = 1UL << index;
                if (properties[index].Node is { } declared)
                {
                    // `properties` looks the name up: only the first occurrence of a repeated name is checked.
                    if ((seen & bit) == 0)
                    {
                        seen |= bit;
                        if (!Validate(ref reader, declared))
                        {
                            return false;
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }

                    continue;
                }

                seen |= bit;
            }

            if (node.AdditionalProperties is { } additional)
            {
                if (!Validate(ref reader, additional))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return (node.RequiredMask & ~seen) == 0;
    }

    private static bool ValidateArray(ref Utf8JsonReader reader, Node node)
    {
        long count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++count > node.MaxItems)
            {
                return false;
            }

            if (node.Items is { } items)
            {
                if (!Validate(ref reader, items))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return count >= node.MinItems;
    }

    private static bool ValidateString(ref Utf8JsonReader reader, Node node)
    {
        if (node.HasEnum && !MatchesEnum(ref reader, node))
        {
            return false;
        }

        var raw = reader.ValueSpan;
        bool needsLength = node.MinLength > 0 || node.MaxLength != long.MaxValue;
        if (node.Pattern is null && (!needsLength || (!reader.ValueIsEscaped && IsSimpleAscii(raw))))
        {
            // Plain ASCII without CR: one text element per byte.
            return !needsLength || (raw.Length >= node.MinLength && raw.Length <= node.MaxLength);
        }

        // Unescaped text is never longer (in UTF-16 units) than its UTF-8/escaped form.
        char[]? rented = raw.Length > StackChars ? ArrayPool<char>.Shared.Rent(raw.Length) : null;
        Span<char> buffer = rented ?? stackalloc char[StackChars];
        try
        {
            var text = buffer[..reader.CopyString(buffer)];
            if (needsLength)
            {
                long length = TextElements(text);
                if (length < node.MinLength || length > node.MaxLength)
                {
                    return false;
                }
            }

            return node.Pattern is null || node.Pattern.IsMatch(text);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static bool MatchesEnum(ref Utf8JsonReader reader, Node node)
    {
        foreach (var value in node.EnumStrings)
        {
            if (reader.ValueTextEquals(value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSimpleAscii(ReadOnlySpan<byte> raw)
    {
        foreach (var b in raw)
        {
            if (b >= 0x80 || b == (byte)'\r')
            {
                return false;
            }
        }

        return true;
    }

    private static long TextElements(ReadOnlySpan<char> text)
    {
        long count = 0;
        while (!text.IsEmpty)
        {
            text = text[StringInfo.GetNextTextElementLength(text)..];
            count++;
        }

        return count;
    }

    private static bool TypeAllowsNumber(ReadOnlySpan<byte> number, Types types)
    {
        if ((types & Types.Number) != 0)
        {
            return true;
        }

        if ((types & Types.Integer) == 0)
        {
            return false;
        }

        if (number.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0)
        {
            return true;
        }

        // JsonSchema.Net 8.0.5: an integer is a number whose double value has no fractional part (±infinity included).
        double value = double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsInfinity(value) || value == Math.Truncate(value);
    }

    /// <summary>Exact comparison of two JSON number literals (no rounding): negative, zero or positive like <see cref="IComparable.CompareTo"/>.</summary>
    internal static int CompareNumbers(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var x = Decompose(a);
        var y = Decompose(b);
        if (x.Sign != y.Sign)
        {
            return x.Sign.CompareTo(y.Sign);
        }

        if (x.Sign == 0)
        {
            return 0;
        }

        int magnitude = x.Exponent != y.Exponent ? x.Exponent.CompareTo(y.Exponent) : CompareDigits(a, x, b, y);
        return x.Sign * magnitude;
    }

    // A number as sign × 0.d1d2d3… × 10^(Exponent+1): the significant digits lie in [First, Last] of the mantissa (a '.' may sit between them).
    private readonly record struct Parts(int Sign, long Exponent, int First, int Last);

    private static Parts Decompose(ReadOnlySpan<byte> s)
    {
        int start = s.Length > 0 && s[0] == (byte)'-' ? 1 : 0;
        int mantissaEnd = s.IndexOfAny((byte)'e', (byte)'E');
        if (mantissaEnd < 0)
        {
            mantissaEnd = s.Length;
        }

        var mantissa = s[..mantissaEnd];
        int point = mantissa.IndexOf((byte)'.');
        int first = -1;
        int last = -1;
        for (int i = start; i < mantissaEnd; i++)
        {
            if (mantissa[i] is >= (byte)'1' and <= (byte)'9')
            {
                if (first < 0)
                {
                    first = i;
                }

                last = i;
            }
        }

        if (first < 0)
        {
            return new Parts(0, 0, 0, 0);
        }

        // Exponent of the first significant digit.
        int integerEnd = point < 0 ? mantissaEnd : point;
        long exponent = first < integerEnd ? integerEnd - first - 1 : -(first - point);
        if (mantissaEnd < s.Length)
        {
            int i = mantissaEnd + 1;
            bool negative = false;
            if (s[i] is (byte)'+' or (byte)'-')
            {
                negative = s[i] == (byte)'-';
                i++;
            }

            long explicitExponent = 0;
            for (; i < s.Length; i++)
            {
                // Saturate: exponents beyond ±10^15 compare the same way and cannot overflow the sum.
                explicitExponent = Math.Min(explicitExponent * 10 + (s[i] - '0'), 1_000_000_000_000_000L);
            }

            exponent += negative ? -explicitExponent : explicitExponent;
        }

        return new Parts(start == 1 ? -1 : 1, exponent, first, last);
    }

    private static int CompareDigits(ReadOnlySpan<byte> a, Parts x, ReadOnlySpan<byte> b, Parts y)
    {
        int i = x.First;
        int j = y.First;
        while (true)
        {
            if (i <= x.Last && a[i] == (byte)'.')
            {
                i++;
            }

            if (j <= y.Last && b[j] == (byte)'.')
            {
                j++;
            }

            bool aDone = i > x.Last;
            bool bDone = j > y.Last;
            if (aDone || bDone)
            {
                // The number with significant digits left is larger (its last significant digit is non-zero).
                return aDone == bDone ? 0 : aDone ? -1 : 1;
            }

            if (a[i] != b[j])
            {
                return a[i].CompareTo(b[j]);
            }

            i++;
            j++;
        }
    }
}
