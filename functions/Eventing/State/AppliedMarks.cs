namespace Store.Eventing.State;

/// <summary>One event applied to one row, as its mark says.</summary>
public readonly record struct AppliedMark(string RowKey, string EventId);

/// <summary>
/// The exact half of the applied log: a mark per (row, applied event), inserted in the row's transaction and never
/// removed; a copy the in-row window forgot fails its transaction with 409 (see the kit README, "Applied at most once").
/// </summary>
public static class AppliedMarks
{
    /// <summary>Row key prefix of marks ('~~' never starts an escaped key; outbox markers use <c>~~outbox~</c>).</summary>
    public const string Prefix = "~~applied~";

    // '~' + 1: the end of the mark key range.
    private const string PrefixEnd = "~~applied\u007f";

    // Row keys may be up to 1 KiB; a longer pair is named by its hash instead (collision-resistant, hence still injective in practice).
    private const int MaxKeyLength = 512;

    public static bool IsMark(string rowKey) => rowKey.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The mark's row key. Injective: an escaped key holds '~' only in escape sequences (~ and four hex digits), so the
    /// first "~|" separates the row key from the event id, and "~!" (a hashed pair) cannot start an escaped row key.
    /// </summary>
    public static string KeyOf(string rowKey, string eventId)
    {
        var key = Prefix + TableKeys.Escape(rowKey) + "~|" + TableKeys.Escape(eventId);
        if (key.Length <= MaxKeyLength)
        {
            return key;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(TableKeys.Escape(rowKey) + "~|" + TableKeys.Escape(eventId)));
        return Prefix + "~!" + Convert.ToHexStringLower(hash);
    }

    public static TableEntity Mark(string partitionKey, string rowKey, string eventId) => new(partitionKey, KeyOf(rowKey, eventId));

    /// <summary>An OData filter for the rows of a partition that are not marks (state rows and outbox markers).</summary>
    public static string OutsideMarks(string partitionKey) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and (RowKey lt {Prefix} or RowKey ge {PrefixEnd})");

    /// <summary>Which of <paramref name="marks"/> exist (bounded-parallel point reads of their keys only).</summary>
    public static async Task<List<AppliedMark>> ExistingAsync(TableClient table, string partitionKey, IReadOnlyCollection<AppliedMark> marks, int parallelism, CancellationToken ct)
    {
        var found = new List<AppliedMark>();
        await Parallel.ForEachAsync(marks, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (mark, c) =>
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, KeyOf(mark.RowKey, mark.EventId), select: ["RowKey"], cancellationToken: c).ConfigureAwait(false);
            if (response.HasValue)
            {
                lock (found)
                {
                    found.Add(mark);
                }
            }
        }).ConfigureAwait(false);
        return found;
    }
}
