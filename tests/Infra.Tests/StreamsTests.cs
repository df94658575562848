using Infra.Tests.Support;

namespace Infra.Tests;

/// <summary>The namespaces, hubs and consumer groups a deployment creates are exactly the catalog's.</summary>
[Collection(InfraCollection.Name)]
public sealed class StreamsTests(InfraFixture infra)
{
    [Fact]
    public void Each_domain_gets_its_own_namespace()
    {
        var namespaces = infra.Resources("Microsoft.EventHub/namespaces").Select(n => (string)n["name"]!).ToList();

        Assert.Equal(
            infra.Catalog.Domains.Select(d => $"evhns-{d.Name}-").Order(),
            namespaces.Select(n => n[..(n.LastIndexOf('-') + 1)]).Order());
    }

    [Fact]
    public void Hubs_have_the_catalog_partitions_and_retention_in_their_domain_namespace()
    {
        var hubs = infra.Resources("Microsoft.EventHub/namespaces/eventhubs").ToDictionary(h => ((string)h["name"]!).Split('/')[1]);

        Assert.Equal(infra.Catalog.Streams.Select(s => s.Stream.Hub).Order(), hubs.Keys.Order());
        foreach (var (domain, stream) in infra.Catalog.Streams)
        {
            var hub = hubs[stream.Hub];
            Assert.StartsWith($"evhns-{domain.Name}-", (string)hub["name"]!, StringComparison.Ordinal);
            Assert.Equal(stream.Partitions, (int)hub["properties"]!["partitionCount"]!);
            Assert.Equal(stream.RetentionHours, (int)hub["properties"]!["retentionDescription"]!["retentionTimeInHours"]!);
        }
    }

    [Fact]
    public void Each_consuming_context_has_its_own_consumer_group_and_no_other_groups_exist()
    {
        var expected = infra.Catalog.Streams.SelectMany(s => s.Stream.Consumers.Select(c => $"{s.Stream.Hub}/{c.ConsumerGroup}"));
        var actual = infra.Resources("Microsoft.EventHub/namespaces/eventhubs/consumergroups")
            .Select(g => string.Join('/', ((string)g["name"]!).Split('/')[1..]));

        Assert.Equal(expected.Order(), actual.Order());
    }

    [Fact]
    public void The_dead_letter_hub_exists_and_every_context_may_send_to_it()
    {
        var deadLetter = Assert.Single(infra.Catalog.Streams, s => s.Stream.DeadLetter);

        Assert.Contains(infra.Resources("Microsoft.EventHub/namespaces/eventhubs"), h => ((string)h["name"]!).EndsWith("/" + deadLetter.Stream.Hub, StringComparison.Ordinal));
        Assert.All(infra.Catalog.Contexts, c => Assert.Contains(deadLetter.Stream.Hub, infra.Catalog.HubsSentBy(c.Name)));
    }
}
