namespace Store.LocalHost.Tests.Hosting;

public sealed class HostSettingsTests
{
    [Fact]
    public void Load_ReadsTheRepositoryHostJson()
    {
        var settings = HostSettings.Load();

        Assert.Equal(100, settings.MaxEventBatchSize);
        Assert.Equal(1, settings.BatchCheckpointFrequency);
        Assert.True(settings.FromStart);
    }

    [Fact]
    public void Parse_HonoursBatchSizeAndFromEnd()
    {
        var settings = HostSettings.Parse("""{"extensions":{"eventHubs":{"maxEventBatchSize":7,"initialOffsetOptions":{"type":"fromEnd"}}}}""");

        Assert.Equal(7, settings.MaxEventBatchSize);
        Assert.False(settings.FromStart);
    }

    [Theory]
    [InlineData("crash=0.3,duplicate=0.2", 0.3, 0.2)]
    [InlineData("duplicate=0.5", 0, 0.5)]
    [InlineData("crash=0", 0, 0)]
    public void FaultOptions_Parse_ReadsProbabilities(string text, double crash, double duplicate)
    {
        Assert.Equal(new FaultOptions(crash, duplicate), FaultOptions.Parse(text));
    }

    [Theory]
    [InlineData("crash=1")]
    [InlineData("crash=-0.1")]
    [InlineData("crash")]
    [InlineData("explode=0.1")]
    [InlineData("crash=abc")]
    public void FaultOptions_Parse_RejectsNonsense(string text)
    {
        Assert.Throws<FormatException>(() => FaultOptions.Parse(text));
    }

    [Fact]
    public void RetryPolicy_ExponentialBackoff_DoublesUpToTheMaximum()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), Exponential: true);

        Assert.Equal([2, 4, 8, 10, 10], Enumerable.Range(1, 5).Select(i => policy.DelayBefore(i).TotalSeconds));
    }
}
