namespace Infra.Tests.Support;

/// <summary>Generates infra/emulator/Config.json (Event Hubs emulator format) from the catalog.</summary>
public static class EmulatorConfig
{
    /// <summary>The emulator serves exactly one namespace with this fixed name.</summary>
    public const string NamespaceName = "emulatorNs1";

    /// <summary>The emulator accepts at most this many event hubs.</summary>
    public const int MaxHubs = 10;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Every hub with the catalog's default partition count (the deployment parameter's default).</summary>
    public static string Generate(Catalog catalog)
    {
        var entities = new JsonArray();
        foreach (var (_, stream) in catalog.Streams)
        {
            var entity = new JsonObject
            {
                ["Name"] = stream.Hub,
                // The emulator's schema types PartitionCount as a string.
                ["PartitionCount"] = catalog.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };

            // $Default always exists; a hub without consumers omits the list (the schema requires at least one item).
            if (stream.Consumers.Count > 0)
            {
                entity["ConsumerGroups"] = new JsonArray(stream.Consumers.Select(c => (JsonNode)new JsonObject { ["Name"] = c.ConsumerGroup }).ToArray());
            }

            entities.Add(entity);
        }

        var root = new JsonObject
        {
            ["UserConfig"] = new JsonObject
            {
                ["NamespaceConfig"] = new JsonArray(new JsonObject
                {
                    ["Type"] = "EventHub",
                    ["Name"] = NamespaceName,
                    ["Entities"] = entities,
                }),
                ["LoggingConfig"] = new JsonObject { ["Type"] = "File" },
            },
        };

        return root.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }
}
