namespace Store.Eventing.State;

/// <summary>
/// Splits a batch's changes into entity-group transactions that can commit concurrently: changes sharing a row stay in
/// one transaction of at most <see cref="TableStateStore{TState}.MaxTransactionSize"/> rows (see README.md).
/// </summary>
public static class TransactionPlanner
{
    /// <summary>
    /// Groups change indices into transactions (each list in ascending order, transactions in order of their first
    /// change); null when some set of connected changes needs more than <paramref name="maxRows"/> rows.
    /// </summary>
    public static List<List<int>>? Plan(IReadOnlyList<IReadOnlyCollection<string>> changes, int maxRows = TableStateStore<object>.MaxTransactionSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var n = changes.Count;
        var parent = Enumerable.Range(0, n).ToArray();

        int Find(int i)
        {
            while (parent[i] != i)
            {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }

            return i;
        }

        // The first change that wrote each row; later changes writing it are joined to it.
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            foreach (var key in changes[i])
            {
                if (owner.TryGetValue(key, out var first))
                {
                    var (a, b) = (Find(first), Find(i));
                    if (a != b)
                    {
                        // The smaller index stays the root: a component is identified by its first change.
                        parent[Math.Max(a, b)] = Math.Min(a, b);
                    }
                }
                else
                {
                    owner[key] = i;
                }
            }
        }

        var rows = new int[n];
        foreach (var first in owner.Values)
        {
            if (++rows[Find(first)] > maxRows)
            {
                return null;
            }
        }

        // Pack components (in order of their first change) first-fit into transactions.
        var transactions = new List<List<int>>();
        var free = new List<int>();
        var placed = new int[n];
        for (var i = 0; i < n; i++)
        {
            var root = Find(i);
            if (root == i)
            {
                var slot = free.FindIndex(room => room >= rows[i]);
                if (slot < 0)
                {
                    transactions.Add([]);
                    free.Add(maxRows);
                    slot = transactions.Count - 1;
                }

                free[slot] -= rows[i];
                placed[i] = slot;
            }

            // Roots precede their members (a root is its component's smallest index), so the root's slot is known.
            transactions[placed[root]].Add(i);
        }

        return transactions;
    }
}
