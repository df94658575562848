namespace Store.LocalHost.DeadLetters;

/// <summary><c>deadletters list --dir &lt;replay-out-dir&gt; [--context &lt;C&gt;]</c>: the dead letters a replay wrote, as a table.</summary>
public static class DeadLettersCommand
{
    /// <summary>The export file under a replay's output directory.</summary>
    public static string ExportPath(string dir) => Path.Combine(dir, "streams", "dead-letters.jsonl");

    /// <summary>Prints the table; returns the exit code (2 when the directory holds no replay output).</summary>
    public static async Task<int> ListAsync(string dir, string? context, TextWriter output, TextWriter error)
    {
        var path = ExportPath(dir);
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"deadletters: '{path}' does not exist (run replay --out {dir} first).").ConfigureAwait(false);
            return 2;
        }

        var letters = DeadLetter.ReadExport(path)
            .DistinctBy(l => l.Id)
            .Where(l => context is null || string.Equals(l.Data.Consumer, context, StringComparison.OrdinalIgnoreCase))
            .OrderBy(l => l.Data.Consumer, StringComparer.Ordinal).ThenBy(l => l.Data.SourceHub, StringComparer.Ordinal)
            .ThenBy(l => l.Data.PartitionId, StringComparer.Ordinal).ThenBy(l => l.Data.SequenceNumber)
            .ToList();
        await WriteTableAsync(letters, output).ConfigureAwait(false);
        await output.WriteLineAsync(letters.Count == 0
            ? $"No dead letters{(context is null ? "" : " for " + context)} in {path}."
            : $"{letters.Count} dead letter(s): " + string.Join(", ", letters.GroupBy(l => l.Data.Consumer).Select(g => $"{g.Key} {g.Count()}"))).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Writes one row per dead letter: id, consumer, group, source hub/partition#seq, error kind, message, time.</summary>
    public static async Task WriteTableAsync(IReadOnlyList<DeadLetter> letters, TextWriter output)
    {
        var rows = letters.Select(l => new[]
        {
            l.Id, l.Data.Consumer, l.Data.ConsumerGroup, l.Source, l.Data.Error.Kind, Shorten(l.Data.Error.Message, 70),
            l.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        }).ToList();
        string[] header = ["id", "consumer", "group", "source", "error", "message", "time"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        await output.WriteLineAsync(Row(header, widths)).ConfigureAwait(false);
        await output.WriteLineAsync(Row(widths.Select(w => new string('-', w)).ToArray(), widths)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await output.WriteLineAsync(Row(row, widths)).ConfigureAwait(false);
        }
    }

    private static string Row(string[] cells, int[] widths) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();

    private static string Shorten(string text, int max)
    {
        var single = text.ReplaceLineEndings(" ");
        return single.Length <= max ? single : single[..(max - 3)] + "...";
    }
}
