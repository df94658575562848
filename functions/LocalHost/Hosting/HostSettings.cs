namespace Store.LocalHost.Hosting;

/// <summary>The host.json settings the local host honours (extensions.eventHubs).</summary>
public sealed record HostSettings(int MaxEventBatchSize, int BatchCheckpointFrequency, bool FromStart)
{
    /// <summary>The defaults of the Event Hubs extension.</summary>
    public static HostSettings Default { get; } = new(100, 1, true);

    /// <summary>Reads host.json next to the executable, else at the repository root; defaults when neither exists.</summary>
    public static HostSettings Load()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "host.json") };
        try
        {
            candidates.Add(Path.Combine(Store.TestSupport.Azurite.RepositoryRoot(), "host.json"));
        }
        catch (DirectoryNotFoundException)
        {
            // Published without the repository: the copy next to the executable (or the defaults) is all there is.
        }

        return candidates.FirstOrDefault(File.Exists) is { } path ? Parse(File.ReadAllText(path)) : Default;
    }

    /// <summary>Parses host.json text.</summary>
    public static HostSettings Parse(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!TryGet(doc.RootElement, out var eventHubs, "extensions", "eventHubs"))
        {
            return Default;
        }

        var batch = TryGet(eventHubs, out var b, "maxEventBatchSize") && b.TryGetInt32(out var bi) && bi > 0 ? bi : Default.MaxEventBatchSize;
        var frequency = TryGet(eventHubs, out var f, "batchCheckpointFrequency") && f.TryGetInt32(out var fi) && fi > 0 ? fi : Default.BatchCheckpointFrequency;
        var fromStart = !TryGet(eventHubs, out var t, "initialOffsetOptions", "type") || t.ValueKind != JsonValueKind.String
            || !string.Equals(t.GetString(), "fromEnd", StringComparison.OrdinalIgnoreCase);
        return new HostSettings(batch, frequency, fromStart);
    }

    /// <summary>Readable form for the start banner.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"maxEventBatchSize={MaxEventBatchSize}, batchCheckpointFrequency={BatchCheckpointFrequency}, initialOffset={(FromStart ? "fromStart" : "fromEnd")}");

    private static bool TryGet(JsonElement element, out JsonElement found, params string[] path)
    {
        found = element;
        foreach (var name in path)
        {
            if (found.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var match = found.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match.Value.ValueKind == JsonValueKind.Undefined)
            {
                return false;
            }

            found = match.Value;
        }

        return true;
    }
}
