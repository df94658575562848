namespace Infra.Tests;

/// <summary>
/// What makes a deployment fail or misbehave although `bicep build` is clean: nested deployment names that collide
/// (they are scoped to the resource group, and main.bicep deploys context-app.bicep once per context, in parallel),
/// and log alert rules validated against tables that a new workspace does not have yet.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class DeploymentTests(InfraFixture infra)
{
    [Fact]
    public void Every_nested_deployment_name_is_unique_in_its_resource_group_across_every_loop()
    {
        var deployments = infra.NestedDeployments;
        // Sanity: the probe saw the per-context and per-domain loops (7 contexts x several modules each).
        Assert.True(deployments.Count > infra.Catalog.Contexts.Count * 5, $"Only {deployments.Count} nested deployments were evaluated.");

        var collisions = deployments
            .GroupBy(d => (d.ResourceGroup, Name: d.Name.ToLowerInvariant()))
            .Where(g => g.Count() > 1)
            .Select(g => $"'{g.Key.Name}' in {g.Key.ResourceGroup} x{g.Count()} (declared in {string.Join(", ", g.Select(d => d.DeclaredIn).Distinct())})")
            .ToList();

        Assert.True(collisions.Count == 0, "Nested deployment names collide (DeploymentActive, or one deployment reads another's outputs):\n" + string.Join("\n", collisions));
    }

    [Fact]
    public void Every_nested_deployment_name_is_known_before_deployment_and_at_most_64_characters()
    {
        Assert.All(infra.NestedDeployments, d =>
        {
            Assert.False(d.Name.StartsWith('['), $"{d.DeclaredIn}: the name depends on a runtime value: {d.Name}");
            Assert.True(d.Name.Length <= 64, $"{d.DeclaredIn}: '{d.Name}' is {d.Name.Length} characters (limit 64).");
        });
    }

    [Fact]
    public void Every_context_deploys_its_modules_under_names_that_contain_the_context()
    {
        foreach (var context in infra.Catalog.Contexts.Select(c => c.Name.ToLowerInvariant()))
        {
            var own = infra.NestedDeployments.Where(d => d.DeclaredIn.StartsWith("main/contextApps/", StringComparison.Ordinal)
                                                          && d.Name.StartsWith(context + "-", StringComparison.Ordinal)).ToList();
            Assert.Contains(own, d => d.Name == $"{context}-identity");
            Assert.Contains(own, d => d.Name == $"{context}-function-app");
        }

        Assert.All(
            infra.NestedDeployments.Where(d => d.DeclaredIn.StartsWith("main/contextApps/", StringComparison.Ordinal)),
            d => Assert.Contains(infra.Catalog.Contexts, c => d.Name.StartsWith(c.Name.ToLowerInvariant() + "-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_scheduled_query_rule_skips_query_validation_or_depends_on_its_tables()
    {
        var rules = ScheduledQueryRules(JsonNode.Parse(infra.Builds["infra/main.bicep"].Json!)!.AsObject(), "main").ToList();
        Assert.NotEmpty(rules);

        var unsafeRules = rules.Where(r => !SkipsValidation(r.Rule) && !DependsOnTables(r.Rule, r.Siblings)).Select(r => $"{r.Path} ({r.Rule["name"]})").ToList();
        Assert.True(unsafeRules.Count == 0,
            "These scheduled query rules are validated against tables a new Log Analytics workspace does not have yet "
            + "(set skipQueryValidation: true, or depend on the Microsoft.OperationalInsights/workspaces/tables they query):\n" + string.Join("\n", unsafeRules));

        // Rules that rely on skipQueryValidation really skip it once evaluated (not an expression that ends up false).
        if (rules.All(r => !DependsOnTables(r.Rule, r.Siblings)))
        {
            Assert.All(infra.Resources("Microsoft.Insights/scheduledQueryRules"), r => Assert.True((bool?)r["properties"]!["skipQueryValidation"] == true, (string?)r["name"]));
        }
    }

    private static bool SkipsValidation(JsonObject rule) =>
        rule["properties"]?["skipQueryValidation"] is JsonValue v && v.TryGetValue<bool>(out var skip) && skip;

    // dependsOn holds resource ids (classic templates) or symbolic names (languageVersion 2.0).
    private static bool DependsOnTables(JsonObject rule, JsonNode siblings) =>
        rule["dependsOn"] is JsonArray deps
        && deps.Select(d => (string?)d ?? string.Empty).Any(d =>
            d.Contains("workspaces/tables", StringComparison.OrdinalIgnoreCase)
            || (siblings is JsonObject bySymbol && string.Equals((string?)bySymbol[d]?["type"], "Microsoft.OperationalInsights/workspaces/tables", StringComparison.OrdinalIgnoreCase)));

    private static IEnumerable<(string Path, JsonObject Rule, JsonNode Siblings)> ScheduledQueryRules(JsonObject template, string path)
    {
        var resources = template["resources"]!;
        var declared = resources is JsonObject symbolic
            ? symbolic.Select(p => (Key: p.Key, Resource: p.Value!.AsObject()))
            : resources.AsArray().Select((r, i) => (Key: i.ToString(System.Globalization.CultureInfo.InvariantCulture), Resource: r!.AsObject()));
        foreach (var (key, resource) in declared)
        {
            var type = (string?)resource["type"];
            if (string.Equals(type, "Microsoft.Insights/scheduledQueryRules", StringComparison.OrdinalIgnoreCase))
            {
                yield return ($"{path}/{key}", resource, resources);
            }
            else if (type == "Microsoft.Resources/deployments")
            {
                foreach (var nested in ScheduledQueryRules(resource["properties"]!["template"]!.AsObject(), $"{path}/{key}"))
                {
                    yield return nested;
                }
            }
        }
    }
}
