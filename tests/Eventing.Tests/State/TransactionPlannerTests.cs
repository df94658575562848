namespace Store.Eventing.Tests.State;

public sealed class TransactionPlannerTests
{
    private static List<List<int>>? Plan(int maxRows, params string[][] changes) => TransactionPlanner.Plan(changes, maxRows);

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
        var random = new Random(42);
        for (var round = 0; round < 500; round++)
        {
            var maxRows = random.Next(3, 40);
            var changes = Enumerable.Range(0, random.Next(0, 60))
                .Select(_ => Enumerable.Range(0, random.Next(1, 4)).Select(_ => "k" + random.Next(0, 80)).Distinct().ToArray())
                .ToArray();

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
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var maxRows = random.Next(3, 20);
            var changes = Enumerable.Range(0, random.Next(1, 40))
                .Select(_ => Enumerable.Range(0, random.Next(1, 4)).Select(_ => "k" + random.Next(0, 60)).Distinct().ToArray())
                .ToArray();

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
