namespace Store.Eventing.Tests.State;

public sealed class OutboxConfirmationsTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Confirmations with these invocations running; each (carrier, owner) pair carried the owner's entries.</summary>
    private static OutboxConfirmations Running(string[] tokens, params (string Owner, string Carrier)[] carried)
    {
        var confirmations = new OutboxConfirmations();
        foreach (var token in tokens)
        {
            confirmations.Begin(token);
        }

        foreach (var (owner, carrier) in carried)
        {
            confirmations.Carry(owner, carrier);
        }

        return confirmations;
    }

    /// <summary>The carrier is not confirmed, and a later reader (c) that finds its outbox classifies it as expected.</summary>
    private static void AssertUnconfirmed(OutboxConfirmations confirmations, string carrier, FoundOutbox foundByNextReader)
    {
        Assert.False(confirmations.IsConfirmed(carrier));
        Assert.Equal(foundByNextReader, confirmations.Classify(carrier, "c"));
    }

    [Fact]
    public void Classify_EmptyConfirmedOwnInFlightAndUnknownTokens()
    {
        var confirmations = new OutboxConfirmations();
        confirmations.Begin("a");
        confirmations.Begin("mine");
        confirmations.Confirm("done");

        Assert.Equal(FoundOutbox.Published, confirmations.Classify(null, "mine"));
        Assert.Equal(FoundOutbox.Published, confirmations.Classify("done", "mine"));
        Assert.Equal(FoundOutbox.InFlight, confirmations.Classify("a", "mine"));
        // An earlier attempt of the same invocation: it is ours to publish.
        Assert.Equal(FoundOutbox.Unpublished, confirmations.Classify("mine", "mine"));
        // Written by another instance (or before a restart).
        Assert.Equal(FoundOutbox.Unpublished, confirmations.Classify("elsewhere", "mine"));
    }

    [Fact]
    public void AbandonedInvocation_IsNoLongerInFlight_AndItsOutboxIsPublishedAgain()
    {
        var confirmations = Running(["a"]);
        confirmations.Abandon("a");

        Assert.False(confirmations.IsInFlight("a"));
        Assert.Equal(FoundOutbox.Unpublished, confirmations.Classify("a", "b"));
    }

    [Fact]
    public void AnInvocationThatNeverEnds_StopsCountingAsInFlight_AfterTheLimit()
    {
        var clock = new ManualClock();
        var confirmations = new OutboxConfirmations(time: clock);
        confirmations.Begin("a");

        clock.Now += OutboxConfirmations.InFlightLimit - TimeSpan.FromSeconds(1);
        Assert.True(confirmations.IsInFlight("a"));
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.False(confirmations.IsInFlight("a"));
    }

    [Fact]
    public void CarriedEntries_ConfirmTheCarrierOnlyWhenTheirOwnerIsConfirmed()
    {
        var confirmations = Running(["a", "b"], ("a", "b"));
        confirmations.Confirm("b");

        // b published its own entries; the entries it carried are a's, and a is still publishing them.
        AssertUnconfirmed(confirmations, "b", FoundOutbox.InFlight);

        confirmations.Confirm("a");
        Assert.True(confirmations.IsConfirmed("b"));
    }

    [Fact]
    public void CarriedEntriesOfAFailedInvocation_KeepTheCarrierUnconfirmed_SoTheNextReaderPublishesThem()
    {
        var confirmations = Running(["a", "b"], ("a", "b"));
        confirmations.Confirm("b");
        confirmations.Abandon("a");

        AssertUnconfirmed(confirmations, "b", FoundOutbox.Unpublished);
    }

    [Fact]
    public void Chains_AreFollowed()
    {
        var confirmations = Running(["a", "b", "c"], ("a", "b"), ("b", "c"));
        confirmations.Confirm("c");
        confirmations.Confirm("b");
        Assert.False(confirmations.IsConfirmed("c"));

        confirmations.Confirm("a");
        Assert.True(confirmations.IsConfirmed("c"));
    }

    [Fact]
    public void CarryingOnesOwnToken_AddsNoDependency()
    {
        var confirmations = Running(["a"], ("a", "a"));
        confirmations.Confirm("a");

        Assert.True(confirmations.IsConfirmed("a"));
    }

    [Fact]
    public void InvocationsThatCarriedEachOthersEntries_AreConfirmedWhenBothAre_AndPendingWhileOneRuns()
    {
        // a carried b's entries on one row and b carried a's on another: a cycle of dependencies.
        var confirmations = Running(["a", "b"], ("b", "a"), ("a", "b"));
        confirmations.Confirm("a");

        AssertUnconfirmed(confirmations, "a", FoundOutbox.InFlight);

        confirmations.Confirm("b");
        Assert.True(confirmations.IsConfirmed("a"));
        Assert.True(confirmations.IsConfirmed("b"));
        Assert.Equal(FoundOutbox.Published, confirmations.Classify("a", "c"));
    }

    [Fact]
    public void ACycleWithAnAbandonedInvocation_IsUnpublished()
    {
        var confirmations = Running(["a", "b"], ("b", "a"), ("a", "b"));
        confirmations.Confirm("a");
        confirmations.Abandon("b");

        AssertUnconfirmed(confirmations, "a", FoundOutbox.Unpublished);
    }
}
