namespace Infra.Tests.Support;

/// <summary>
/// Generates infra/emulator/Config.json (Event Hubs emulator format) from the catalog's hubs. It takes plain values rather
/// than a catalog model because two read the catalog: these tests (their own model) and <c>.ci/regenerate</c> (tests/Regenerate,
/// the kit's model), which writes the file.
/// </summary>
public static class EmulatorConfig
{
    /// <summary>Where the generated file is checked in, relative to the repository root.</summary>
    public const string RelativePath = "infra/emulator/Config.json";

    /// <summary>The emulator serves exactly one namespace with this fixed name.</summary>
    public const string NamespaceName = "emulatorNs1";

    /// <summary>The emulator accepts at most this many event hubs.</summary>
    public const int MaxHubs = 10;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Every hub, in catalog order, with the catalog's default partition count (the deployment parameter's default).</summary>
    /// <param name="partitions">The catalog's <c>partitions</c>.</param>
    /// <param name="hubs">Each hub with the consumer groups of its consumers, in catalog order.</param>
    public static string Generate(int partitions, IEnumerable<(string Hub, IEnumerable<string> ConsumerGroups)> hubs)
    {
        ArgumentNullException.ThrowIfNull(hubs);
        var entities = new JsonArray();
        foreach (var (hub, consumerGroups) in hubs)
        {
            var entity = new JsonObject
            {
                ["Name"] = hub,
                // The emulator's schema types PartitionCount as a string.
                ["PartitionCount"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };

            // $Default always exists; a hub without consumers omits the list (the schema requires at least one item).
            var groups = consumerGroups.Select(g => (JsonNode)new JsonObject { ["Name"] = g }).ToArray();
            if (groups.Length > 0)
            {
                entity["ConsumerGroups"] = new JsonArray(groups);
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
