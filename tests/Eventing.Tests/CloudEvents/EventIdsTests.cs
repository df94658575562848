using Store.Eventing.CloudEvents;

namespace Store.Eventing.Tests.CloudEvents;

public sealed class EventIdsTests
{
    [Fact]
    public void Derive_SameInputAndRole_GivesSameId()
    {
        Assert.Equal(EventIds.Derive("order-1", "stock-reserved"), EventIds.Derive("order-1", "stock-reserved"));
    }

    [Theory]
    [InlineData("order-1", "stock-reserved", "order-2", "stock-reserved")]
    [InlineData("order-1", "stock-reserved", "order-1", "stock-released")]
    [InlineData("a/b", "c", "a", "b/c")]
    public void Derive_DifferentInputOrRole_GivesDifferentIds(string input1, string role1, string input2, string role2)
    {
        Assert.NotEqual(EventIds.Derive(input1, role1), EventIds.Derive(input2, role2));
    }

    [Fact]
    public void Derive_IsAVersion5Uuid()
    {
        var id = Guid.Parse(EventIds.Derive("x", "y"));
        var text = id.ToString();
        Assert.Equal('5', text[14]);
        Assert.Contains(text[19], "89ab");
    }

    [Fact]
    public void Derive_LongInput_UsesPooledBufferAndStaysDeterministic()
    {
        var longId = new string('x', 2000);
        Assert.Equal(EventIds.Derive(longId, "r"), EventIds.Derive(longId, "r"));
        Assert.NotEqual(EventIds.Derive(longId, "r"), EventIds.Derive(longId + "y", "r"));
    }

    [Fact]
    public void Derive_EmptyInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => EventIds.Derive("", "r"));
    }
}
