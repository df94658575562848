namespace Store.Eventing.Tests.State;

public sealed class AppliedMarksTests
{
    [Theory]
    [InlineData("a~|b", "c", "a", "b~|c")]
    [InlineData("a", "~|b", "a~|", "b")]
    [InlineData("A", "e/1", "A", "e~002f1")]
    [InlineData("", "x", "x", "")]
    public void KeysOfDifferentPairs_Differ(string row1, string id1, string row2, string id2) =>
        Assert.NotEqual(AppliedMarks.KeyOf(row1, id1), AppliedMarks.KeyOf(row2, id2));

    [Fact]
    public void LongPairs_AreHashed_IntoKeysTablesAccept_AndStillDiffer()
    {
        var row = new string('r', 600);

        var (one, other) = (AppliedMarks.KeyOf(row, "1"), AppliedMarks.KeyOf(row, "2"));

        Assert.True(one.Length <= 512 && other.Length <= 512);
        Assert.NotEqual(one, other);
        Assert.True(AppliedMarks.IsMark(one));
    }

    [Fact]
    public void Marks_AreNeitherEscapedKeysNorOutboxMarkers()
    {
        var mark = AppliedMarks.KeyOf(TableKeys.Escape("~~applied~x"), "id");

        Assert.False(AppliedMarks.IsMark(TableKeys.Escape("~~applied~x")));
        Assert.False(OutboxMarkers.IsMarker(mark));
        Assert.False(AppliedMarks.IsMark(OutboxMarkers.MarkerPrefix + "A"));
    }
}
