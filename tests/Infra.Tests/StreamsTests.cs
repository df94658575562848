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
    public void Hubs_have_the_catalog_default_partitions_and_retention_in_their_domain_namespace()
    {
        var hubs = infra.Resources("Microsoft.EventHub/namespaces/eventhubs").ToDictionary(h => ((string)h["name"]!).Split('/')[1]);

        Assert.Equal(infra.Catalog.Streams.Select(s => s.Stream.Hub).Order(), hubs.Keys.Order());
        Assert.InRange(infra.Catalog.Partitions, 1, 32);
        foreach (var (domain, stream) in infra.Catalog.Streams)
        {
            var hub = hubs[stream.Hub];
            Assert.StartsWith($"evhns-{domain.Name}-", (string)hub["name"]!, StringComparison.Ordinal);
            Assert.Equal(infra.Catalog.Partitions, (int)hub["properties"]!["partitionCount"]!);
            Assert.Equal(stream.RetentionHours, (int)hub["properties"]!["retentionDescription"]!["retentionTimeInHours"]!);
        }
    }

    [Fact]
    public void Partitions_are_a_deployment_parameter_applied_to_every_hub()
    {
        Assert.NotEqual(InfraFixture.VariantPartitions, infra.Catalog.Partitions);
        var hubs = infra.VariantResources("Microsoft.EventHub/namespaces/eventhubs").ToList();

        Assert.Equal(infra.Catalog.Streams.Count(), hubs.Count);
        Assert.All(hubs, hub => Assert.Equal(InfraFixture.VariantPartitions, (int)hub["properties"]!["partitionCount"]!));
    }

    [Fact]
    public void Azd_passes_the_partitions_with_the_catalog_default()
    {
        // main.parameters.json maps EVENTHUB_PARTITIONS (azd env) to the parameter; its fallback must be the catalog's.
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Infra, "main.parameters.json")))!;
        Assert.Equal($"${{EVENTHUB_PARTITIONS={infra.Catalog.Partitions}}}", (string?)parameters["parameters"]!["eventHubPartitions"]!["value"]);
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
