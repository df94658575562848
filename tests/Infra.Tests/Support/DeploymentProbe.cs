namespace Infra.Tests.Support;

/// <summary>One nested deployment as the engine would name it: its evaluated name, the resource group it deploys into, and where it is declared.</summary>
public sealed record NestedDeployment(string Name, string ResourceGroup, string DeclaredIn);

/// <summary>
/// Makes `bicep snapshot` evaluate every nested deployment name. Snapshot predicts resources but not deployments, so next to
/// each Microsoft.Resources/deployments resource of the compiled ARM JSON (at every nesting level) this adds a probe resource
/// with the same name expression, copy loop and condition, which the engine expands like any other resource, once per
/// loop iteration and with that iteration's parameters.
/// </summary>
public static class DeploymentProbe
{
    public const string ProbeType = "Probe.InfraTests/nestedDeployments";

    public static JsonObject AddProbes(JsonObject template)
    {
        var copy = template.DeepClone().AsObject();
        Add(copy, "main");
        return copy;
    }

    public static IReadOnlyList<NestedDeployment> Read(JsonObject snapshot) =>
        snapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => (string?)r["type"] == ProbeType)
            .Select(r => new NestedDeployment((string)r["name"]!, (string)r["properties"]!["resourceGroup"]!, (string)r["properties"]!["declaredIn"]!))
            .ToList();

    private static void Add(JsonObject template, string path)
    {
        var resourceGroupScope = !((string)template["$schema"]!).Contains("subscriptionDeploymentTemplate", StringComparison.OrdinalIgnoreCase);
        var resources = template["resources"]!;
        var declared = resources is JsonObject symbolic
            ? symbolic.Select(p => (Key: p.Key, Resource: p.Value!.AsObject())).ToList()
            : resources.AsArray().Select((r, i) => (Key: i.ToString(System.Globalization.CultureInfo.InvariantCulture), Resource: r!.AsObject())).ToList();

        foreach (var (key, resource) in declared.Where(d => (string?)d.Resource["type"] == "Microsoft.Resources/deployments"))
        {
            var where = $"{path}/{key}";
            Add(resource["properties"]!["template"]!.AsObject(), where);

            // A deployment declared in a resource-group template deploys into that group unless it names another one.
            var resourceGroup = resource["resourceGroup"]?.DeepClone()
                ?? (resourceGroupScope ? JsonValue.Create("[resourceGroup().name]") : JsonValue.Create("(subscription)"));
            var probe = new JsonObject
            {
                ["type"] = ProbeType,
                ["apiVersion"] = "2020-01-01",
                ["name"] = resource["name"]!.DeepClone(),
                ["properties"] = new JsonObject { ["resourceGroup"] = resourceGroup, ["declaredIn"] = where },
            };
            if (resource["copy"] is JsonObject loop)
            {
                var probeLoop = loop.DeepClone().AsObject();
                probeLoop["name"] = "probe_" + (string)loop["name"]!;
                probe["copy"] = probeLoop;
            }

            if (resource["condition"] is { } condition)
            {
                probe["condition"] = condition.DeepClone();
            }

            if (resources is JsonObject byName)
            {
                byName["probe_" + key] = probe;
            }
            else
            {
                resources.AsArray().Add(probe);
            }
        }
    }
}
