namespace Infra.Tests;

[Collection(InfraCollection.Name)]
public sealed class MonitoringTests(InfraFixture infra)
{
    [Fact]
    public void Dead_letters_raise_an_alert_on_the_dead_letter_hub()
    {
        var deadLetterHub = infra.Catalog.Streams.Single(s => s.Stream.DeadLetter);
        var alert = Assert.Single(infra.Resources("Microsoft.Insights/metricAlerts"), a => ((string)a["name"]!).Contains("dead-letters", StringComparison.Ordinal));
        var criterion = alert["properties"]!["criteria"]!["allOf"]![0]!;

        Assert.Equal("IncomingMessages", (string?)criterion["metricName"]);
        Assert.Equal(deadLetterHub.Stream.Hub, (string?)criterion["dimensions"]![0]!["values"]![0]);
        Assert.Contains($"/namespaces/evhns-{deadLetterHub.Domain.Name}-", (string)alert["properties"]!["scopes"]![0]!, StringComparison.Ordinal);
        Assert.NotNull(alert["properties"]!["actions"]![0]!["actionGroupId"]);
    }

    [Fact]
    public void Every_namespace_has_a_throttling_alert()
    {
        var throttling = infra.Resources("Microsoft.Insights/metricAlerts")
            .Where(a => (string?)a["properties"]!["criteria"]!["allOf"]![0]!["metricName"] == "ThrottledRequests")
            .Select(a => (string)a["properties"]!["scopes"]![0]!);

        Assert.Equal(
            infra.Resources("Microsoft.EventHub/namespaces").Select(n => (string)n["id"]!).Order(),
            throttling.Order());
    }

    [Fact]
    public void Function_failures_are_alerted_from_log_analytics()
    {
        var queries = infra.Resources("Microsoft.Insights/scheduledQueryRules").Select(r => (string)r["properties"]!["criteria"]!["allOf"]![0]!["query"]!).ToList();

        Assert.Contains(queries, q => q.Contains("AppRequests", StringComparison.Ordinal) && q.Contains("Success == false", StringComparison.Ordinal));
    }

    [Fact]
    public void Consumer_lag_is_alerted_per_hub_and_consumer_group_from_the_lag_the_consumers_record()
    {
        using var metrics = new Store.Eventing.Processing.EventingMetrics();
        var rule = Assert.Single(infra.Resources("Microsoft.Insights/scheduledQueryRules"), r => ((string)r["name"]!).EndsWith("consumer-lag", StringComparison.Ordinal));
        var criterion = rule["properties"]!["criteria"]!["allOf"]![0]!;
        var query = (string)criterion["query"]!;

        // The kit's per-consumer histogram (tags context and hub), not namespace totals.
        Assert.Contains($"Name == \"{metrics.Lag.Name}\"", query, StringComparison.Ordinal);
        Assert.DoesNotContain("OutgoingMessages", query, StringComparison.Ordinal);
        Assert.Equal(["ConsumerGroup", "Hub"], criterion["dimensions"]!.AsArray().Select(d => (string)d!["name"]!).Order(StringComparer.Ordinal));

        // Exactly the catalog's (hub, consumer group) pairs that a deployed context reads: no group without a reader.
        var rows = System.Text.RegularExpressions.Regex.Matches(query, "\"([^\"]+)\", \"([^\"]+)\", \"([^\"]+)\"")
            .Select(m => (Hub: m.Groups[1].Value, ConsumerGroup: m.Groups[2].Value, Context: m.Groups[3].Value)).ToList();
        var expected = infra.Catalog.Streams
            .SelectMany(s => s.Stream.Consumers.Where(c => infra.Catalog.Contexts.Any(x => x.Name == c.Context)).Select(c => (s.Stream.Hub, c.ConsumerGroup, c.Context)))
            .ToList();
        Assert.Equal(expected.Order(), rows.Order());
        Assert.DoesNotContain(rows, r => r.Hub == infra.Catalog.Streams.Single(s => s.Stream.DeadLetter).Stream.Hub);
    }

    [Fact]
    public void Namespaces_send_their_metrics_to_log_analytics()
    {
        var settings = infra.Resources("Microsoft.Insights/diagnosticSettings").ToList();

        Assert.Equal(infra.Catalog.Domains.Count, settings.Count);
        Assert.All(settings, s => Assert.Contains("/providers/Microsoft.OperationalInsights/workspaces/", (string)s["properties"]!["workspaceId"]!, StringComparison.Ordinal));
    }

    [Fact]
    public void The_workbook_shows_throughput_failures_dead_letters_and_lag()
    {
        var workbook = Assert.Single(infra.Resources("Microsoft.Insights/workbooks"));
        var content = JsonNode.Parse((string)workbook["properties"]!["serializedData"]!)!;
        var titles = content["items"]!.AsArray().Select(i => (string?)i!["content"]!["title"] ?? string.Empty).ToList();

        Assert.Contains(titles, t => t.Contains("Throughput per context", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.Contains("Failures per context", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.Contains("Dead letters", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.Contains("lag", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_action_group_mails_the_configured_address()
    {
        var group = Assert.Single(infra.Resources("Microsoft.Insights/actionGroups"));

        Assert.Equal("ops@example.com", (string?)group["properties"]!["emailReceivers"]![0]!["emailAddress"]);
    }
}
