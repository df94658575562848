// Design note: why the codec rejects repeated property names itself (issue #6, validation bypass).
//
// JsonSchema.Net (and the compiled validator, which follows it) checks the FIRST occurrence of a repeated name, while
// System.Text.Json binds the LAST one, so {"quantity":5,"quantity":5000} was validated as 5 and bound as 5000. The
// contexts bind with their own source-generated JsonTypeInfo (their own JsonSourceGenerationOptions), so a rule left to
// each context's options could be forgotten by one of them. The codec therefore walks every token of the body once (it
// has to read the envelope anyway, and this walk replaces the reader.Skip() that checked `data` was well-formed) and
// rejects any object, at any depth, that repeats a name. Names are compared after unescaping, ordinally, so "a" and
// "\u0061" are the same name. The binding options are case-insensitive (JsonSerializerDefaults.Web), so names that differ
// only in case ("quantity", "Quantity") also reach one property: those are caught where they collide, by binding with the
// context's options plus AllowDuplicateProperties = false (EventRegistration.ReadTypeInfo); a free-form map may still
// hold keys that differ only in case.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Store.Eventing.CloudEvents;

/// <summary>
/// Reads JSON values token by token and reports the first object that repeats a property name (names compared after
/// unescaping, ordinally). One instance per thread, reused: nothing is allocated unless an object has more than
/// <see cref="LinearLimit"/> names or a problem is found.
/// </summary>
internal sealed class JsonNameScan
{
    // Up to this many names an object's names are compared linearly; past it a hash set keeps the check linear in size.
    private const int LinearLimit = 16;

    private const int MaxRetainedBytes = 64 * 1024;

    [ThreadStatic]
    private static JsonNameScan? t_scan;

    private byte[] _bytes = new byte[512];
    private int _byteCount;
    private Name[] _names = new Name[64];
    private int _nameCount;
    private Frame[] _frames = new Frame[8];
    private int _depth;

    private JsonNameScan()
    {
    }

    private struct Frame
    {
        public int FirstName;
        public int FirstByte;
        public int Index;
        public bool IsArray;
        public HashSet<string>? Large;
    }

    private readonly record struct Name(int Start, int Length);

    /// <summary>The calling thread's scanner, emptied.</summary>
    public static JsonNameScan ForThread()
    {
        var scan = t_scan;
        if (scan is null || scan._bytes.Length > MaxRetainedBytes || scan._names.Length > MaxRetainedBytes)
        {
            // Do not keep an unusually large body's buffers alive for the thread's lifetime.
            t_scan = scan = new JsonNameScan();
        }

        scan._byteCount = 0;
        scan._nameCount = 0;
        scan._depth = 0;
        return scan;
    }

    /// <summary>Opens an object whose names the caller adds with <see cref="AddName"/> (the envelope's top level).</summary>
    public void OpenObject() => Push(isArray: false);

    /// <summary>Closes the object opened last.</summary>
    public void Close()
    {
        ref var frame = ref _frames[--_depth];
        _nameCount = frame.FirstName;
        _byteCount = frame.FirstByte;
        frame.Large = null;
    }

    /// <summary>
    /// Adds the property name the reader is on to the innermost open object. Returns null, or a description of the problem:
    /// the name repeats an earlier name of that object, or it is not valid UTF-16 text once unescaped.
    /// </summary>
    public string? AddName(ref Utf8JsonReader reader, out ReadOnlySpan<byte> name, int pathFrom)
    {
        var raw = reader.ValueSpan;
        EnsureBytes(raw.Length);
        int length;
        try
        {
            // The unescaped name is never longer than its raw text.
            length = reader.CopyString(_bytes.AsSpan(_byteCount));
        }
        catch (InvalidOperationException)
        {
            name = default;
            return $"a property name in {Pointer(pathFrom)} is not valid UTF-16 text";
        }

        name = _bytes.AsSpan(_byteCount, length);
        ref var frame = ref _frames[_depth - 1];
        if (frame.Large is { } large)
        {
            if (!large.Add(Encoding.UTF8.GetString(name)))
            {
                return Repeated(name, pathFrom);
            }
        }
        else
        {
            for (int i = frame.FirstName; i < _nameCount; i++)
            {
                var other = _names[i];
                if (other.Length == length && _bytes.AsSpan(other.Start, length).SequenceEqual(name))
                {
                    return Repeated(name, pathFrom);
                }
            }

            if (_nameCount - frame.FirstName >= LinearLimit)
            {
                large = new HashSet<string>(StringComparer.Ordinal);
                for (int i = frame.FirstName; i < _nameCount; i++)
                {
                    large.Add(Encoding.UTF8.GetString(_bytes.AsSpan(_names[i].Start, _names[i].Length)));
                }

                large.Add(Encoding.UTF8.GetString(name));
                frame.Large = large;
            }
        }

        if (_nameCount == _names.Length)
        {
            Array.Resize(ref _names, _names.Length * 2);
        }

        _names[_nameCount++] = new Name(_byteCount, length);
        _byteCount += length;
        return null;
    }

    /// <summary>
    /// Reads the value whose first token the reader is on, to its last token (so the reader checks that it is well-formed
    /// JSON), and returns null or the first problem found in it (a repeated name, with the JSON Pointer of its object
    /// relative to this value). Throws <see cref="JsonException"/> for malformed JSON, like <see cref="Utf8JsonReader.Skip"/>.
    /// </summary>
    public string? ScanValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return null;
        }

        int baseDepth = _depth;
        string? problem = null;
        Push(reader.TokenType == JsonTokenType.StartArray);
        while (_depth > baseDepth)
        {
            if (!reader.Read())
            {
                // Unreachable over a complete body (the reader throws for a truncated one); stay safe.
                throw new JsonException("The JSON value is incomplete.");
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    if (problem is null)
                    {
                        problem = AddName(ref reader, out _, baseDepth);
                    }

                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    CountItem();
                    Push(reader.TokenType == JsonTokenType.StartArray);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    Close();
                    break;
                default:
                    CountItem();
                    break;
            }
        }

        return problem;
    }

    private void Push(bool isArray)
    {
        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _frames.Length * 2);
        }

        _frames[_depth++] = new Frame { FirstName = _nameCount, FirstByte = _byteCount, Index = -1, IsArray = isArray };
    }

    private void CountItem()
    {
        if (_depth > 0 && _frames[_depth - 1].IsArray)
        {
            _frames[_depth - 1].Index++;
        }
    }

    private void EnsureBytes(int more)
    {
        if (_byteCount + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _byteCount + more));
        }
    }

    private string Repeated(ReadOnlySpan<byte> name, int pathFrom) =>
        $"property '{Encoding.UTF8.GetString(name)}' appears more than once in {Pointer(pathFrom)}";

    // The JSON Pointer (RFC 6901) of the innermost open object, from frame pathFrom on.
    private string Pointer(int pathFrom)
    {
        var pointer = new StringBuilder();
        for (int k = pathFrom; k < _depth - 1; k++)
        {
            pointer.Append('/');
            if (_frames[k].IsArray)
            {
                pointer.Append(_frames[k].Index.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                // The object's current name is the last one added before the next frame opened.
                var name = _names[_frames[k + 1].FirstName - 1];
                pointer.Append(Encoding.UTF8.GetString(_bytes.AsSpan(name.Start, name.Length)).Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
            }
        }

        return pointer.Length == 0 ? "/" : pointer.ToString();
    }
}
