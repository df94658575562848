namespace Store.Eventing.Tests.State;

public sealed class TransactionPlannerTests
{
    private static List<List<int>>? Plan(int maxRows, params string[][] changes) => TransactionPlanner.Plan(changes, maxRows);

    /// <summary>
    /// Seeded random batches: each a row limit of 3 to <paramref name="maxRowsBelow"/> - 1, and <paramref name="minChanges"/> to
    /// <paramref name="maxChangesBelow"/> - 1 changes, each writing one to three distinct rows of k0 .. k(<paramref name="keySpace"/> - 1).
    /// </summary>
    private static IEnumerable<(int MaxRows, string[][] Changes)> RandomBatches(
        int seed, int rounds, int maxRowsBelow, int minChanges, int maxChangesBelow, int keySpace)
    {
        var random = new Random(seed);
        for (var round = 0; round < rounds; round++)
        {
            var maxRows = random.Next(3, maxRowsBelow);
            var changes = Enumerable.Range(0, random.Next(minChanges, maxChangesBelow))
                .Select(_ => Enumerable.Range(0, random.Next(1, 4)).Select(_ => "k" + random.Next(0, keySpace)).Distinct().ToArray())
                .ToArray();
            yield return (maxRows, changes);
        }
    }

    [Fact]
    public void IndependentChanges_ArePackedFirstFit_InStreamOrder()
    {
        var plan = Plan(4, ["a", "b"], ["c", "d"], ["e"], ["f", "g", "h"], ["i"]);

        Assert.Equal([[0, 1], [2, 3], [4]], plan!);
    }

    [Fact]
    public void ChangesSharingARow_AreInTheSameTransaction_EvenWhenConnectedOnlyThroughOthers()
    {
        // 0 and 3 share nothing directly, but 0-2 share "x" and 2-3 share "y".
        var plan = Plan(100, ["x", "o1"], ["z"], ["x", "y"], ["y", "o3"]);

        Assert.Equal([[0, 1, 2, 3]], plan!);
        var split = Plan(5, ["x", "o1"], ["z", "o2"], ["x", "y"], ["y", "o3"]);
        Assert.Equal([[0, 2, 3], [1]], split!);
    }

    [Fact]
    public void AComponentLargerThanOneTransaction_MakesThePlanNull()
    {
        Assert.Null(Plan(3, ["hot", "a"], ["hot", "b"], ["hot", "c"]));
        Assert.NotNull(Plan(4, ["hot", "a"], ["hot", "b"], ["hot", "c"]));
    }

    [Fact]
    public void NoChanges_NoTransactions()
    {
        Assert.Empty(Plan(100)!);
    }

    [Fact]
    public void RandomBatches_EveryRowInExactlyOneTransaction_NoChangeSplit_NoTransactionOverTheLimit()
    {
        foreach (var (maxRows, changes) in RandomBatches(42, 500, 40, 0, 60, 80))
        {
            var plan = TransactionPlanner.Plan(changes, maxRows);
            if (plan is null)
            {
                continue;
            }

            Assert.Equal(Enumerable.Range(0, changes.Length), plan.SelectMany(t => t).Order());
            var rowOwner = new Dictionary<string, int>();
            for (var t = 0; t < plan.Count; t++)
            {
                Assert.Equal(plan[t].Order(), plan[t]);
                var rows = plan[t].SelectMany(i => changes[i]).Distinct().ToList();
                Assert.InRange(rows.Count, 1, maxRows);
                foreach (var row in rows)
                {
                    Assert.True(rowOwner.TryAdd(row, t), $"row {row} is in transactions {rowOwner.GetValueOrDefault(row)} and {t}");
                }
            }
        }
    }

    [Fact]
    public void NullPlan_OnlyWhenSomeConnectedSetReallyExceedsTheLimit()
    {
        foreach (var (maxRows, changes) in RandomBatches(7, 300, 20, 1, 40, 60))
        {
            // Brute-force connected components of rows.
            var component = new Dictionary<string, string>();
            string Find(string k) => component[k] == k ? k : component[k] = Find(component[k]);
            foreach (var change in changes)
            {
                foreach (var k in change)
                {
                    component.TryAdd(k, k);
                }

                foreach (var k in change.Skip(1))
                {
                    component[Find(k)] = Find(change[0]);
                }
            }

            var largest = component.Keys.GroupBy(Find).Max(g => g.Count());
            Assert.Equal(largest > maxRows, TransactionPlanner.Plan(changes, maxRows) is null);
        }
    }
}
