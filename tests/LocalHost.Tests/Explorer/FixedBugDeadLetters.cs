namespace Store.LocalHost.Tests.Explorer;

/// <summary>
/// Dead letters of valid events, as a consumer with a bug (since fixed) would have written them: redelivered, they are
/// processed, so their group empties. Written to the dead-letter hub with the kit's own writer.
/// </summary>
internal static class FixedBugDeadLetters
{
    public const string Consumer = "Payments";
    public const string ConsumerGroup = "payments";
    public const string Kind = "unexpected";

    /// <summary>Dead-letters every <c>order-placed</c> of the given orders for Payments, with error kind "unexpected".</summary>
    public static void Write(LocalFunctionsHost host, params string[] orderIds)
    {
        var writer = new DeadLetterWriter(Consumer, TimeProvider.System);
        var placed = host.Log.ReadAll("sales-orders")
            .Where(e => orderIds.Contains(e.PartitionKey) && EventQuery.ParseObject(e.Body)?["type"]?.GetValue<string>() == "sales.order-placed.v2");
        foreach (var e in placed)
        {
            var raw = new RawEvent(e.Body, new Dictionary<string, object>(e.Properties), e.Hub, e.PartitionId, e.OffsetString, e.SequenceNumber, e.EnqueuedTime);
            var letter = writer.Create(raw, ConsumerGroup, new DataError(DataErrorKind.Unexpected, "NullReferenceException in a build since fixed"));
            host.Log.Append(letter.Hub, new EventToAppend(letter.Body, letter.PartitionKey, MessageId: letter.Id));
        }
    }
}
