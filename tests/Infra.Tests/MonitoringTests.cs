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
    public void Function_failures_and_consumer_lag_are_alerted_from_log_analytics()
    {
        var rules = infra.Resources("Microsoft.Insights/scheduledQueryRules").ToList();
        var queries = rules.Select(r => (string)r["properties"]!["criteria"]!["allOf"]![0]!["query"]!).ToList();

        Assert.Contains(queries, q => q.Contains("AppRequests", StringComparison.Ordinal) && q.Contains("Success == false", StringComparison.Ordinal));
        var lag = Assert.Single(queries, q => q.Contains("OutgoingMessages", StringComparison.Ordinal));

        // Expected readers per namespace come from the catalog: namespaces whose hubs have consumers.
        foreach (var domain in infra.Catalog.Domains)
        {
            var consumers = domain.Streams.Sum(s => s.Consumers.Count);
            var row = $"\"evhns-{domain.Name}-";
            if (consumers > 0)
            {
                Assert.Matches($"\"evhns-{domain.Name}-[a-z0-9]+\", {consumers}", lag);
            }
            else
            {
                Assert.DoesNotContain(row, lag, StringComparison.Ordinal);
            }
        }
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
