using System.Text.RegularExpressions;

namespace Store.Contracts.Tests;

/// <summary>
/// A context writes decisions and typed outputs; the kit owns envelopes, ids, the outbox, commits, publishing and
/// confirmation, and takes hubs and sources from the catalog. This reads every context's source and fails on a mention
/// of the kit's outbox or envelope internals, or on a hub or source string outside an Event Hubs trigger attribute
/// (where the worker's source-generated metadata needs it literally).
/// </summary>
public sealed partial class ContextBoundaryTests
{
    /// <summary>Kit types and members that only the kit may touch.</summary>
    public static readonly string[] KitInternals =
    [
        "OutboxConfirmations", "EventOutbox", "BatchOutbox", "ClearPublished", "FoundOutbox", "OutboxMarkers", "OutboxMarker", "OutboxToken",
        "IRelayedOutbox", "RelayedOutbox", "IsDirty", "StateRecord", "ProcessResult", "TransactionPlanner", "AppliedLog",
        "OutgoingEvent", "CloudEventHeader", "CloudEventCodec", "OutputEncoder", "DeadLetterWriter", "RawEvent",
    ];

    public static TheoryData<string> Contexts() => [.. EventCatalog.Current.Contexts.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Contexts))]
    public void ContextSource_NeverMentionsOutboxOrEnvelopeInternals_NorHubOrSourceStrings(string context)
    {
        var violations = Violations(context, RepoFiles.Path("functions", context));
        Assert.True(violations.Count == 0, $"{context} reaches into the kit:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheCheck_FindsALeak()
    {
        var dir = Directory.CreateTempSubdirectory("boundary");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "Leak.cs"), """
                // "sales-orders" in a comment is fine.
                [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = "x")] EventData[] events
                var header = new CloudEventHeader(id, type, "/store/sales", key, time);
                publisher.Publish(new OutgoingEvent("payments", key, body));
                """);
            var violations = Violations("Leak", dir.FullName);
            Assert.Equal(["Leak.cs:3: CloudEventHeader", "Leak.cs:3: source string \"/store/", "Leak.cs:4: OutgoingEvent", "Leak.cs:4: hub string \"payments\""], violations);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static List<string> Violations(string context, string root)
    {
        var catalog = EventCatalog.Current;
        var internals = new Regex(@"\b(" + string.Join("|", KitInternals) + @")\b", RegexOptions.CultureInvariant);
        var hubs = catalog.Streams.Select(s => s.Stream.Hub).ToArray();
        var sourcePrefix = "\"/" + catalog.System + "/";
        var violations = new List<string>();
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                // A trigger attribute names its hub, and the consumer group constant the triggers use may equal a hub name ("payments").
                var code = ConsumerGroupConstant().Replace(TriggerAttribute().Replace(lines[i], ""), "");
                if (code.TrimStart().StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                var where = $"{Path.GetRelativePath(root, file)}:{i + 1}";
                violations.AddRange(internals.Matches(code).Select(m => $"{where}: {m.Value}"));
                if (code.Contains(sourcePrefix, StringComparison.Ordinal))
                {
                    violations.Add($"{where}: source string {sourcePrefix}");
                }

                violations.AddRange(hubs.Where(hub => code.Contains('"' + hub + '"', StringComparison.Ordinal)).Select(hub => $"{where}: hub string \"{hub}\""));
            }
        }

        return violations;
    }

    [GeneratedRegex(@"\[EventHubTrigger\([^\]]*\)\]", RegexOptions.CultureInvariant)]
    private static partial Regex TriggerAttribute();

    [GeneratedRegex(@"^\s*public const string ConsumerGroup = ""[a-z0-9-]+"";$", RegexOptions.CultureInvariant)]
    private static partial Regex ConsumerGroupConstant();
}
