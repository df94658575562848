using Store.Eventing.State;

namespace Store.LocalHost.Replay;

/// <summary>Writes a run's result: every hub's events, every context's tables, and the per-context summary.</summary>
public static class ReplayExport
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false };

    /// <summary>Writes <c>streams/&lt;hub&gt;.jsonl</c> for every hub (including the dead-letter hub; empty hubs get an empty file).</summary>
    public static void WriteStreams(EventStreamLog log, string outDir)
    {
        var dir = Directory.CreateDirectory(Path.Combine(outDir, "streams")).FullName;
        foreach (var hub in log.Hubs)
        {
            using var file = File.Create(Path.Combine(dir, hub + ".jsonl"));
            foreach (var e in log.ReadAll(hub))
            {
                using (var writer = new Utf8JsonWriter(file, Compact))
                {
                    writer.WriteStartObject();
                    writer.WriteString("stream", e.Hub);
                    writer.WriteString("partition", e.PartitionId);
                    writer.WriteNumber("sequenceNumber", e.SequenceNumber);
                    writer.WriteString("offset", e.OffsetString);
                    if (e.PartitionKey is null)
                    {
                        writer.WriteNull("partitionKey");
                    }
                    else
                    {
                        writer.WriteString("partitionKey", e.PartitionKey);
                    }

                    writer.WriteString("enqueuedTime", e.EnqueuedTime);
                    writer.WritePropertyName("properties");
                    writer.WriteStartObject();
                    foreach (var (name, value) in e.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        writer.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                    }

                    writer.WriteEndObject();
                    writer.WritePropertyName("body");
                    WriteBody(writer, e.Body);
                    writer.WriteEndObject();
                }

                file.WriteByte((byte)'\n');
            }
        }
    }

    /// <summary>
    /// Writes <c>state/&lt;context&gt;/&lt;table&gt;.jsonl</c> for every table in the storage account: a table belongs to the
    /// context whose lowercase name prefixes it (tables of no context go to <c>state/_unmapped</c>). One entity per line with
    /// PartitionKey, RowKey and every property (binary as base64); ETag and Timestamp are left out. The kit's applied marks
    /// (one per event and row it applied to, see <see cref="AppliedMarks"/>) are bookkeeping, not state: left out too.
    /// </summary>
    public static async Task<int> WriteStateAsync(string connectionString, IEnumerable<string> contexts, string outDir, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(outDir, "state"));
        var service = new TableServiceClient(connectionString);
        var names = contexts.Select(c => (Lower: c.ToLowerInvariant(), Name: c)).OrderByDescending(c => c.Lower.Length).ToArray();
        var tables = 0;
        foreach (var table in await ListTablesAsync(service, ct).ConfigureAwait(false))
        {
            var owner = names.FirstOrDefault(c => table.StartsWith(c.Lower, StringComparison.OrdinalIgnoreCase)).Name ?? "_unmapped";
            var dir = Directory.CreateDirectory(Path.Combine(outDir, "state", owner)).FullName;
            await using var file = File.Create(Path.Combine(dir, table + ".jsonl"));
            var client = service.GetTableClient(table);
            await foreach (var entity in client.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
            {
                if (AppliedMarks.IsMark(entity.RowKey))
                {
                    continue;
                }

                await using (var writer = new Utf8JsonWriter(file, Compact))
                {
                    WriteEntity(writer, entity);
                }

                file.WriteByte((byte)'\n');
            }

            tables++;
        }

        return tables;
    }

    /// <summary>The names of every table of the account.</summary>
    public static async Task<List<string>> ListTablesAsync(TableServiceClient service, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var table in service.QueryAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            names.Add(table.Name);
        }

        return names;
    }

    /// <summary>
    /// Writes <c>summary.json</c>: per context processed, emitted, deadLettered, retried (plus failed invocations, skipped
    /// duplicates, injected faults, what the outbox relay published and how much of it a live invocation published too,
    /// and the rows still holding a pending outbox: <c>pendingOutboxRows</c>, 0 after a run that settled).
    /// </summary>
    public static void WriteSummary(IEnumerable<ContextStats> stats, string outDir, IReadOnlyList<OutboxCount>? outboxes = null)
    {
        Directory.CreateDirectory(outDir);
        using var file = File.Create(Path.Combine(outDir, "summary.json"));
        using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        foreach (var s in stats)
        {
            writer.WritePropertyName(s.Context);
            writer.WriteStartObject();
            writer.WriteNumber("processed", s.Processed);
            writer.WriteNumber("emitted", s.Emitted);
            writer.WriteNumber("deadLettered", s.DeadLettered);
            writer.WriteNumber("retried", s.Retried);
            writer.WriteNumber("failed", s.Failed);
            writer.WriteNumber("duplicates", s.Duplicates);
            writer.WriteNumber("injectedCrashes", s.InjectedCrashes);
            writer.WriteNumber("injectedDuplicateDeliveries", s.InjectedDuplicates);
            writer.WriteNumber("injectedPublishFailures", s.InjectedPublishFailures);
            writer.WriteNumber("injectedTableFailures", s.InjectedTableFailures);
            writer.WriteNumber("relayRuns", s.RelayRuns);
            writer.WriteNumber("relayPublished", s.RelayPublished);
            writer.WriteNumber("relayAlsoPublishedLive", s.RelayAlsoPublishedLive);
            if (outboxes?.FirstOrDefault(o => o.Context == s.Context) is { } outbox)
            {
                writer.WriteNumber("pendingOutboxRows", outbox.PendingRows);
                writer.WriteNumber("outboxMarkers", outbox.Markers);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteBody(Utf8JsonWriter writer, byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed == body.Length || body.AsSpan((int)reader.BytesConsumed).Trim(" \t\r\n"u8).IsEmpty)
            {
                doc.RootElement.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
            // Not JSON: written as a string below.
        }

        writer.WriteStringValue(Encoding.UTF8.GetString(body));
    }

    private static void WriteEntity(Utf8JsonWriter writer, TableEntity entity)
    {
        writer.WriteStartObject();
        writer.WriteString("PartitionKey", entity.PartitionKey);
        writer.WriteString("RowKey", entity.RowKey);
        foreach (var (name, value) in entity.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                continue;
            }

            // Table values are JSON primitives (string, bool, int, long, double, DateTimeOffset, Guid) or binary (base64).
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, value, value?.GetType() ?? typeof(object));
        }

        writer.WriteEndObject();
    }
}
