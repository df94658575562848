namespace Store.Eventing.Outbox;

/// <summary>The outbox of one attempt of a batch: <see cref="Enroll"/> outputs in the rows it writes, then <see cref="Collect"/> what to publish.</summary>
public sealed class BatchOutbox<TState>(OutboxConfirmations confirmations, string token)
{
    // Rows opened in this attempt, with how many carried entries an in-flight invocation publishes itself.
    private readonly Dictionary<StateRecord<TState>, int> _opened = new(ReferenceEqualityComparer.Instance);

    public bool IsPublished(StateRecord<TState> record) =>
        record.Outbox.Count == 0 || confirmations.Classify(record.OutboxToken, token) == FoundOutbox.Published;

    /// <summary>Marks the row written by this attempt and enrolls <paramref name="produced"/> to its outbox.</summary>
    public void Enroll(StateRecord<TState> record, IEnumerable<OutgoingEvent>? produced = null)
    {
        if (!_opened.ContainsKey(record))
        {
            var found = record.Outbox.Count == 0 ? FoundOutbox.Published : confirmations.Classify(record.OutboxToken, token);
            _opened[record] = found == FoundOutbox.InFlight ? record.Outbox.Count : 0;
            if (found == FoundOutbox.Published)
            {
                record.Outbox = [];
            }
            else if (found == FoundOutbox.InFlight)
            {
                confirmations.Carry(record.OutboxToken!, token);
            }

            record.OutboxToken = token;
        }

        record.IsDirty = true;
        if (produced is not null)
        {
            record.Outbox = [.. record.Outbox, .. produced];
        }
    }

    /// <summary>
    /// After the commit: what to publish (this attempt's and unpublished earlier entries, same ids), and the rows to
    /// clear once published.
    /// </summary>
    public (List<OutgoingEvent> Outputs, List<StateRecord<TState>> Committed) Collect(IEnumerable<StateRecord<TState>> records)
    {
        var (outputs, committed) = (new List<OutgoingEvent>(), new List<StateRecord<TState>>());
        foreach (var record in records)
        {
            if (record.Outbox.Count == 0)
            {
                continue;
            }

            if (_opened.TryGetValue(record, out var publishedByOthers))
            {
                outputs.AddRange(record.Outbox.Skip(publishedByOthers));
                committed.Add(record);
            }
            else if (confirmations.Classify(record.OutboxToken, token) == FoundOutbox.Unpublished)
            {
                outputs.AddRange(record.Outbox);
            }
        }

        return (outputs, committed);
    }
}
