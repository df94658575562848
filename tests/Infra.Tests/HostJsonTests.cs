namespace Infra.Tests;

/// <summary>host.json (deployed with every app): Event Hubs batch settings that do what they say.</summary>
public sealed class HostJsonTests
{
    [Fact]
    public void Max_wait_time_is_set_only_when_a_minimum_batch_size_makes_the_trigger_wait()
    {
        var eventHubs = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "host.json")))!["extensions"]!["eventHubs"]!;
        var min = (int?)eventHubs["minEventBatchSize"] ?? 1;
        var max = (int?)eventHubs["maxEventBatchSize"] ?? 100;

        // The extension waits up to maxWaitTime for minEventBatchSize events; with a minimum of 1 it never waits.
        Assert.InRange(min, 1, max);
        if (min == 1)
        {
            Assert.Null(eventHubs["maxWaitTime"]);
        }
        else
        {
            Assert.NotNull(eventHubs["maxWaitTime"]);
        }
    }
}
