namespace Store.LocalHost.Tests.Http;

/// <summary>One HTTP request the fuzz test sends.</summary>
public sealed record FuzzRequest(string Method, string Path, string? ContentType, byte[]? Body, string Description)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var body = Body is null ? "(no body)" : Body.Length > 300 ? $"{Body.Length} bytes: {Convert.ToHexString(Body.AsSpan(0, 120))}…" : Convert.ToHexString(Body);
        var text = Body is { Length: <= 300 } ? " = " + Encoding.UTF8.GetString(Body) : "";
        return $"{Method} {Path} [{ContentType ?? "no content type"}] {Description}: {body}{text}";
    }
}

/// <summary>
/// A mutation of a valid request, chosen by a kind and two numbers so that CsCheck can generate and shrink it. Each
/// mutation targets one of the inputs the edge must reject without a 5xx: invalid UTF-8, repeated names at any depth,
/// wrong types, boundary numbers, long strings, deep nesting, truncated JSON, odd content types and reserved characters in
/// route ids. Some mutations keep the request valid (an unknown extra property, a boundary value inside the range).
/// </summary>
public sealed record Mutation(MutationKind Kind, int A, int B);

/// <summary>The kinds of mutation.</summary>
public enum MutationKind
{
    None,
    InvalidUtf8InString,
    InvalidUtf8Anywhere,
    RepeatedName,
    WrongType,
    BoundaryNumber,
    LongString,
    DeepNesting,
    Truncated,
    ContentType,
    RemoveProperty,
    ExtraProperty,
    RouteId,
    OddCharactersInString,
}

/// <summary>Builds mutated requests from valid JSON bodies.</summary>
public static class EdgeMutations
{
    private const string Marker = "\u0001RAW";

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
    ];

    private static readonly string[] WrongValues = ["null", "true", "false", "0", "-1", "\"x\"", "\"\"", "\"   \"", "[]", "{}", "1.5", "\"1\"", "[1,2]", "{\"a\":1}"];

    private static readonly string[] BoundaryNumbers =
    [
        "0", "1", "1000", "1001", "-1", "-0", "0.5", "1.0", "999.999", "1e3", "1E+3", "1e308", "-1e308", "1e-400", "1e400",
        "9223372036854775807", "9223372036854775808", "79228162514264337593543950335", "79228162514264337593543950336",
        "0.0000000000000000000000000001", "1000000", "1000001", "2147483648", "-2147483649", "123456789012345678901234567890.5",
    ];

    private static readonly string[] ContentTypes =
    [
        "", "text/plain", "text/plain; charset=utf-8", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=latin1", "application/json; charset=utf-16", "application/merge-patch+json", "application/JSON",
        "application/json;charset=UTF-8", ";;;", "application/", "*/*", "application/json, text/plain", "application/json; charset=\"utf-8\"",
    ];

    private static readonly string[] OddStrings =
    [
        "\u0000", "a\u0000b", "\t", " ", "\u00A0", "\u2028", "\uFEFF", "\u200B", "\uD83D\uDE00", "\uD800", "\uDFFF", "é", "e\u0301",
        "/", "\\", "#", "?", "%", "%2F", "..", "'", "\"", "<script>", "\u007F", "\u0085", "\r\n", "𝔘𝔫𝔦", "\uFFFF", "\uFFFE",
    ];

    /// <summary>
    /// Route ids as they go on the wire (already percent-encoded where they must be). A NUL (%00) is left out: Kestrel, like
    /// any HTTP server in front of a function, rejects it itself (400, no body) before a function runs; NUL inside bodies is
    /// covered by <see cref="OddStrings"/>.
    /// </summary>
    private static readonly string[] RouteIds =
    [
        "%2F", "a%2Fb", "%23", "a%23b", "%3F", "a%3Fb", "%25", "%2525", "%01", "a%1Fb", "%0A", "%20", "%20%20", "..", ".", "%2E%2E",
        "%5C", "a%5Cb", "%C3%A9", "%FF", "%C0%AF", "%ED%A0%80", "%F0%9F%98%80", "%27", "%22", "(%29", "%7F", "%C2%85", "~", "a:b", "@",
        "a;b", "a,b", "a=b", "a+b", "*", "%E2%80%A8", "%EF%BB%BF",
    ];

    /// <summary>The mutated request: <paramref name="valid"/> is the valid body, <paramref name="routeId"/> the valid route id.</summary>
    public static FuzzRequest Apply(Mutation m, string method, Func<string, string> pathFor, string routeId, string? valid)
    {
        var rnd = new Random(HashCode.Combine(m.A, m.B));
        var path = pathFor(Uri.EscapeDataString(routeId));
        var contentType = "application/json";
        byte[]? body = valid is null ? null : Encoding.UTF8.GetBytes(valid);
        var description = m.Kind.ToString();
        switch (m.Kind)
        {
            case MutationKind.None:
                break;
            case MutationKind.InvalidUtf8InString:
                {
                    var node = Parse(valid);
                    var strings = Leaves(node, JsonValueKind.String);
                    if (strings.Count == 0)
                    {
                        body = [.. Encoding.UTF8.GetBytes("{\"reason\":\""), .. InvalidUtf8[m.B % InvalidUtf8.Length], .. Encoding.UTF8.GetBytes("\"}")];
                        break;
                    }

                    var target = strings[m.A % strings.Count];
                    var text = target.Value!.GetValue<string>();
                    Replace(node, target, JsonValue.Create(text[..(rnd.Next(text.Length + 1))] + Marker));
                    body = Replace(Write(node), Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Marker)[1..^1]), InvalidUtf8[m.B % InvalidUtf8.Length]);
                    description += $" in {target.Path}";
                    break;
                }

            case MutationKind.InvalidUtf8Anywhere:
                {
                    body ??= "{}"u8.ToArray();
                    var at = m.A % (body.Length + 1);
                    body = [.. body.AsSpan(0, at), .. InvalidUtf8[m.B % InvalidUtf8.Length], .. body.AsSpan(at)];
                    description += $" at byte {at}";
                    break;
                }

            case MutationKind.RepeatedName:
                {
                    var node = Parse(valid);
                    var objects = Objects(node).Where(o => o.Object.Count > 0).ToList();
                    var (obj, objPath) = objects[m.A % objects.Count];
                    var index = m.B % obj.Count;
                    var name = obj.ElementAt(index).Key;
                    var sameValue = m.B % 2 == 0;
                    body = WriteWithRepeat(node, obj, name, sameValue);
                    description += $" '{name}' in {objPath} ({(sameValue ? "same" : "other")} value)";
                    break;
                }

            case MutationKind.WrongType:
                {
                    var node = Parse(valid);
                    var leaves = AllNodes(node).ToList();
                    var target = leaves[m.A % leaves.Count];
                    var raw = WrongValues[m.B % WrongValues.Length];
                    body = target.Value == node ? Encoding.UTF8.GetBytes(raw) : ReplaceRaw(node, target, raw);
                    description += $" {target.Path} := {raw}";
                    break;
                }

            case MutationKind.BoundaryNumber:
                {
                    var node = Parse(valid);
                    var numbers = Leaves(node, JsonValueKind.Number);
                    var raw = BoundaryNumbers[m.B % BoundaryNumbers.Length];
                    if (numbers.Count == 0)
                    {
                        body = Encoding.UTF8.GetBytes(raw);
                        break;
                    }

                    var target = numbers[m.A % numbers.Count];
                    body = ReplaceRaw(node, target, raw);
                    description += $" {target.Path} := {raw}";
                    break;
                }

            case MutationKind.LongString:
                {
                    var node = Parse(valid);
                    var strings = Leaves(node, JsonValueKind.String);
                    int[] lengths = [127, 128, 129, 500, 501, 2_000, 20_000, 300_000];
                    string[] units = ["a", "é", "\uD83D\uDE00", "\\u0041", " "];
                    var length = lengths[m.B % lengths.Length];
                    var unit = units[m.A % units.Length];
                    var text = string.Concat(Enumerable.Repeat(unit == "\\u0041" ? "A" : unit, length));
                    if (strings.Count == 0)
                    {
                        body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { reason = text }));
                        break;
                    }

                    var target = strings[(m.A / units.Length) % strings.Count];
                    Replace(node, target, JsonValue.Create(text));
                    body = Write(node, escapeAll: unit == "\\u0041");
                    description += $" {target.Path} = {length} x '{unit}'";
                    break;
                }

            case MutationKind.DeepNesting:
                {
                    var node = Parse(valid);
                    int[] depths = [31, 32, 33, 64, 65, 1_000, 5_000];
                    var depth = depths[m.B % depths.Length];
                    var nested = m.A % 2 == 0
                        ? new string('[', depth) + "1" + new string(']', depth)
                        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                    var targets = AllNodes(node).ToList();
                    var target = targets[m.A % targets.Count];
                    body = target.Value == node ? Encoding.UTF8.GetBytes(nested) : ReplaceRaw(node, target, nested);
                    description += $" {target.Path} nested {depth} deep";
                    break;
                }

            case MutationKind.Truncated:
                {
                    body ??= "{\"reason\":\"x\"}"u8.ToArray();
                    var keep = m.A % Math.Max(1, body.Length);
                    body = body[..keep];
                    description += $" to {keep} bytes";
                    break;
                }

            case MutationKind.ContentType:
                contentType = ContentTypes[m.A % ContentTypes.Length];
                body ??= m.B % 2 == 0 ? null : "{}"u8.ToArray();
                description += $" '{contentType}'";
                if (contentType.Length == 0)
                {
                    contentType = null;
                }

                break;
            case MutationKind.RemoveProperty:
                {
                    var node = Parse(valid);
                    var objects = Objects(node).Where(o => o.Object.Count > 0).ToList();
                    if (objects.Count == 0)
                    {
                        body = null;
                        break;
                    }

                    var (obj, objPath) = objects[m.A % objects.Count];
                    var name = obj.ElementAt(m.B % obj.Count).Key;
                    obj.Remove(name);
                    body = Write(node);
                    description += $" '{name}' from {objPath}";
                    break;
                }

            case MutationKind.ExtraProperty:
                {
                    var node = Parse(valid) ?? new JsonObject();
                    var objects = Objects(node).ToList();
                    var (obj, objPath) = objects[m.A % objects.Count];
                    string[] names = ["extra", "OrderId", "CUSTOMERID", "$type", "__proto__", "", "lines ", "orderid", "\uD800", "a\u0000b", "\uD83D\uDE00"];
                    var name = names[m.B % names.Length];
                    obj[name] = "x";
                    body = Write(node);
                    description += $" '{name}' in {objPath}";
                    break;
                }

            case MutationKind.RouteId:
                {
                    var id = m.B % 5 == 0 ? new string('r', 129 + m.A % 3000) : RouteIds[m.A % RouteIds.Length];
                    path = pathFor(id);
                    description += $" '{(id.Length > 40 ? id[..40] + "…" : id)}'";
                    break;
                }

            case MutationKind.OddCharactersInString:
                {
                    var node = Parse(valid);
                    var strings = Leaves(node, JsonValueKind.String);
                    var odd = OddStrings[m.B % OddStrings.Length];
                    if (strings.Count == 0)
                    {
                        body = Write(new JsonObject { ["reason"] = odd });
                        break;
                    }

                    var target = strings[m.A % strings.Count];
                    var text = target.Value!.GetValue<string>();
                    var replaced = ((m.A / strings.Count) % 3) switch { 0 => odd, 1 => text + odd, _ => odd + text };
                    Replace(node, target, JsonValue.Create(replaced));
                    body = Write(node);
                    description += $" {target.Path} = {JsonSerializer.Serialize(replaced)}";
                    break;
                }
        }

        return new FuzzRequest(method, path, body is null && m.Kind != MutationKind.ContentType ? null : contentType, body, description);
    }

    private static JsonNode? Parse(string? json) => json is null ? new JsonObject() : JsonNode.Parse(json);

    private sealed record Located(JsonNode? Value, string Path, JsonNode? Parent, object? Key);

    private static IEnumerable<Located> AllNodes(JsonNode? root)
    {
        var stack = new Stack<Located>();
        stack.Push(new Located(root, "$", null, null));
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            switch (current.Value)
            {
                case JsonObject o:
                    foreach (var (name, child) in o)
                    {
                        stack.Push(new Located(child, $"{current.Path}.{name}", o, name));
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        stack.Push(new Located(a[i], $"{current.Path}[{i}]", a, i));
                    }

                    break;
            }
        }
    }

    private static IEnumerable<Located> Leaves(JsonNode? root) => AllNodes(root).Where(n => n.Value is not JsonObject and not JsonArray && n.Parent is not null);

    private static List<Located> Leaves(JsonNode? root, JsonValueKind kind) =>
        Leaves(root).Where(l => l.Value is JsonValue v && v.GetValueKind() == kind).ToList();

    private static IEnumerable<(JsonObject Object, string Path)> Objects(JsonNode? root) =>
        AllNodes(root).Where(n => n.Value is JsonObject).Select(n => ((JsonObject)n.Value!, n.Path));

    private static void Replace(JsonNode? root, Located target, JsonNode? value)
    {
        _ = root;
        switch (target.Parent)
        {
            case JsonObject o:
                o[(string)target.Key!] = value;
                break;
            case JsonArray a:
                a[(int)target.Key!] = value;
                break;
        }
    }

    private static byte[] ReplaceRaw(JsonNode? root, Located target, string raw)
    {
        Replace(root, target, JsonValue.Create(Marker));
        return Replace(Write(root), Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Marker)), Encoding.UTF8.GetBytes(raw));
    }

    private static byte[] Replace(byte[] source, byte[] find, byte[] with)
    {
        var at = source.AsSpan().IndexOf(find);
        return at < 0 ? source : [.. source.AsSpan(0, at), .. with, .. source.AsSpan(at + find.Length)];
    }

    private static byte[] Write(JsonNode? node, bool escapeAll = false)
    {
        var options = new JsonSerializerOptions
        {
            Encoder = escapeAll ? System.Text.Encodings.Web.JavaScriptEncoder.Default : System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        return node is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(node, options);
    }

    /// <summary>Writes the tree with <paramref name="name"/> written twice in <paramref name="target"/> (JsonNode itself cannot hold a repeat).</summary>
    private static byte[] WriteWithRepeat(JsonNode? root, JsonObject target, string name, bool sameValue)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            void WriteNode(JsonNode? node)
            {
                switch (node)
                {
                    case JsonObject o:
                        writer.WriteStartObject();
                        foreach (var (key, child) in o)
                        {
                            writer.WritePropertyName(key);
                            WriteNode(child);
                            if (ReferenceEquals(o, target) && key == name)
                            {
                                writer.WritePropertyName(key);
                                if (sameValue)
                                {
                                    WriteNode(child);
                                }
                                else
                                {
                                    writer.WriteStringValue("other");
                                }
                            }
                        }

                        writer.WriteEndObject();
                        break;
                    case JsonArray a:
                        writer.WriteStartArray();
                        foreach (var item in a)
                        {
                            WriteNode(item);
                        }

                        writer.WriteEndArray();
                        break;
                    case null:
                        writer.WriteNullValue();
                        break;
                    default:
                        node.WriteTo(writer);
                        break;
                }
            }

            WriteNode(root);
        }

        return stream.ToArray();
    }
}
