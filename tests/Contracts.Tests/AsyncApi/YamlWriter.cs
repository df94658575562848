using System.Text.Encodings.Web;

namespace Store.Contracts.Tests.AsyncApi;

/// <summary>
/// Writes a JSON tree as block-style YAML 1.2, deterministically: keys in insertion order, two-space indentation, LF line
/// endings. Strings are plain when that is unambiguous and JSON-style double-quoted otherwise (every JSON string escape is a
/// valid YAML escape), so the output parses back to exactly the same tree (a test checks that with js-yaml).
/// </summary>
internal static class YamlWriter
{
    private static readonly JsonSerializerOptions QuotedStrings = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // YAML 1.1 resolvers (still used by some tools) read these as booleans or null, so they are always quoted.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    };

    /// <summary>Writes <paramref name="root"/> (an object) after the given comment lines.</summary>
    public static string Write(JsonObject root, IEnumerable<string> headerComments)
    {
        var sb = new StringBuilder();
        foreach (var line in headerComments)
        {
            sb.Append(line.Length == 0 ? "#" : "# " + line).Append('\n');
        }

        WriteMapping(sb, root, 0);
        return sb.ToString();
    }

    private static void WriteMapping(StringBuilder sb, JsonObject map, int indent)
    {
        foreach (var (key, value) in map)
        {
            sb.Append(' ', indent).Append(Scalar(key)).Append(':');
            WriteValueAfterKey(sb, value, indent);
        }
    }

    private static void WriteSequence(StringBuilder sb, JsonArray items, int indent)
    {
        foreach (var item in items)
        {
            sb.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject { Count: > 0 } map:
                    // The first key shares the dash's line; the rest align under it.
                    var first = true;
                    foreach (var (key, value) in map)
                    {
                        if (first)
                        {
                            sb.Append(' ');
                            first = false;
                        }
                        else
                        {
                            sb.Append(' ', indent + 2);
                        }

                        sb.Append(Scalar(key)).Append(':');
                        WriteValueAfterKey(sb, value, indent + 2);
                    }

                    break;
                case JsonArray { Count: > 0 } nested:
                    sb.Append('\n');
                    WriteSequence(sb, nested, indent + 2);
                    break;
                default:
                    sb.Append(' ');
                    WriteInline(sb, item, indent + 2);
                    break;
            }
        }
    }

    private static void WriteValueAfterKey(StringBuilder sb, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 } map:
                sb.Append('\n');
                WriteMapping(sb, map, indent + 2);
                break;
            case JsonArray { Count: > 0 } items:
                sb.Append('\n');
                WriteSequence(sb, items, indent + 2);
                break;
            default:
                sb.Append(' ');
                WriteInline(sb, value, indent + 2);
                break;
        }
    }

    /// <summary>Scalars, empty collections and multi-line strings (as literal blocks), followed by a line break.</summary>
    private static void WriteInline(StringBuilder sb, JsonNode? value, int blockIndent)
    {
        switch (value)
        {
            case null:
                sb.Append("null\n");
                return;
            case JsonObject:
                sb.Append("{}\n");
                return;
            case JsonArray:
                sb.Append("[]\n");
                return;
        }

        var kind = value.GetValueKind();
        switch (kind)
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                if (IsLiteralBlockCandidate(text))
                {
                    // A literal block keeps long descriptions readable; "|-" drops the final line break, as the source has none.
                    sb.Append("|-\n");
                    foreach (var line in text.Split('\n'))
                    {
                        if (line.Length > 0)
                        {
                            sb.Append(' ', blockIndent).Append(line);
                        }

                        sb.Append('\n');
                    }
                }
                else
                {
                    sb.Append(Scalar(text)).Append('\n');
                }

                return;
            case JsonValueKind.Number:
                sb.Append(value.ToJsonString()).Append('\n');
                return;
            case JsonValueKind.True:
                sb.Append("true\n");
                return;
            case JsonValueKind.False:
                sb.Append("false\n");
                return;
            case JsonValueKind.Null:
                sb.Append("null\n");
                return;
            default:
                throw new InvalidOperationException($"Unexpected JSON value kind {kind}.");
        }
    }

    private static bool IsLiteralBlockCandidate(string text) =>
        text.Contains('\n', StringComparison.Ordinal)
        && !text.EndsWith('\n')
        && !text.StartsWith(' ')
        && !text.Contains('\r', StringComparison.Ordinal)
        && !text.Contains('\t', StringComparison.Ordinal)
        && text.Split('\n').All(line => !line.EndsWith(' ') && line.All(c => !char.IsControl(c)));

    /// <summary>A key or a single-line string: plain when unambiguous, otherwise double-quoted with JSON escapes.</summary>
    internal static string Scalar(string text) =>
        IsPlainSafe(text) ? text : JsonSerializer.Serialize(text, QuotedStrings);

    // Plain only when it starts like an identifier or a path, reads as neither a boolean/null nor a number, and has nothing a
    // YAML reader would take for structure: no ": " (mapping), " #" (comment), trailing ':' or space, or control/break characters.
    private static bool IsPlainSafe(string text) =>
        text.Length > 0
        && (char.IsAsciiLetter(text[0]) || text[0] is '_' or '/' or '$')
        && !Reserved.Contains(text)
        && !LooksNumeric(text)
        && !text.Contains(": ", StringComparison.Ordinal)
        && !text.Contains(" #", StringComparison.Ordinal)
        && !text.EndsWith(':')
        && !text.EndsWith(' ')
        && text.All(c => !char.IsControl(c) && c is not ('\u0085' or '\u2028' or '\u2029' or '\uFEFF'));

    private static bool LooksNumeric(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
