namespace Store.LocalHost.Replay;

/// <summary>One input line: the hub, the partition key (null: round robin) and the body bytes (a JSON string is sent as its raw text).</summary>
public sealed record ReplayLine(int LineNumber, string Stream, string? PartitionKey, byte[] Body);

/// <summary>A line of the input that cannot be replayed; the message names the line.</summary>
public sealed class ReplayInputException(string message) : Exception(message);

/// <summary>Reads replay input (JSON Lines of <c>{"stream":"&lt;hub&gt;","partitionKey":"&lt;key or null&gt;","body":&lt;any JSON&gt;}</c>).</summary>
public static class ReplayInput
{
    /// <summary>Reads and validates every line; blank lines are allowed, anything else unreadable throws <see cref="ReplayInputException"/>.</summary>
    public static IReadOnlyList<ReplayLine> Read(string path, IReadOnlyCollection<string> hubs)
    {
        var lines = new List<ReplayLine>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            lines.Add(Parse(text, number, hubs));
        }

        return lines;
    }

    /// <summary>Parses one line.</summary>
    public static ReplayLine Parse(string text, int lineNumber, IReadOnlyCollection<string> hubs)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new ReplayInputException($"line {lineNumber}: not valid JSON: {ex.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ReplayInputException($"line {lineNumber}: expected a JSON object {{\"stream\",\"partitionKey\",\"body\"}}, got {root.ValueKind}.");
            }

            if (!root.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(stream.GetString()))
            {
                throw new ReplayInputException($"line {lineNumber}: missing \"stream\" (the hub name, one of: {string.Join(", ", hubs)}).");
            }

            var hub = stream.GetString()!;
            if (!hubs.Contains(hub))
            {
                throw new ReplayInputException($"line {lineNumber}: unknown stream '{hub}' (known: {string.Join(", ", hubs)}).");
            }

            string? partitionKey = null;
            if (root.TryGetProperty("partitionKey", out var key))
            {
                partitionKey = key.ValueKind switch
                {
                    JsonValueKind.String => key.GetString(),
                    JsonValueKind.Null => null,
                    _ => throw new ReplayInputException($"line {lineNumber}: \"partitionKey\" must be a string or null, got {key.ValueKind}."),
                };
            }

            if (!root.TryGetProperty("body", out var body))
            {
                throw new ReplayInputException($"line {lineNumber}: missing \"body\".");
            }

            var bytes = body.ValueKind == JsonValueKind.String
                ? Encoding.UTF8.GetBytes(body.GetString()!)
                : Encoding.UTF8.GetBytes(body.GetRawText());
            return new ReplayLine(lineNumber, hub, partitionKey, bytes);
        }
    }

    /// <summary>The event to append for a line.</summary>
    public static EventToAppend ToAppend(ReplayLine line) => new(line.Body, line.PartitionKey);
}
