namespace Infra.Tests;

/// <summary>infra/emulator/Config.json is generated from the catalog and stays within the emulator's limits.</summary>
public sealed class EmulatorConfigTests
{
    private readonly Catalog _catalog = Catalog.Load();

    [Fact]
    public void Config_json_matches_the_catalog()
    {
        var expected = EmulatorConfig.Generate(_catalog.Partitions, _catalog.Streams.Select(s => (s.Stream.Hub, s.Stream.Consumers.Select(c => c.ConsumerGroup))));

        Assert.True(File.Exists(Repo.EmulatorConfigPath), "infra/emulator/Config.json is missing. Regenerate it: .ci/regenerate");
        var actual = File.ReadAllText(Repo.EmulatorConfigPath).ReplaceLineEndings("\n");
        Assert.True(
            expected == actual,
            "infra/emulator/Config.json disagrees with schemas/catalog.json. Regenerate it: .ci/regenerate");
    }

    [Fact]
    public void Every_emulator_hub_has_the_catalog_default_partitions()
    {
        var config = JsonNode.Parse(File.ReadAllText(Repo.EmulatorConfigPath))!;
        var entities = config["UserConfig"]!["NamespaceConfig"]![0]!["Entities"]!.AsArray();

        Assert.Equal(_catalog.Streams.Count(), entities.Count);
        Assert.All(entities, e => Assert.Equal(_catalog.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)e!["PartitionCount"]));
    }

    [Fact]
    public void Config_json_has_one_namespace_within_the_emulator_limits()
    {
        var config = JsonNode.Parse(File.ReadAllText(Repo.EmulatorConfigPath))!;
        var ns = Assert.Single(config["UserConfig"]!["NamespaceConfig"]!.AsArray())!;
        var entities = ns["Entities"]!.AsArray();

        Assert.Equal("EventHub", (string?)ns["Type"]);
        Assert.Equal(EmulatorConfig.NamespaceName, (string?)ns["Name"]);
        Assert.InRange(entities.Count, 1, EmulatorConfig.MaxHubs);
        Assert.NotNull(config["UserConfig"]!["LoggingConfig"]!["Type"]);
        Assert.All(entities, e =>
        {
            var groups = e!["ConsumerGroups"]?.AsArray() ?? [];
            Assert.InRange(groups.Count, 0, 20);
            Assert.DoesNotContain(groups, g => string.Equals((string?)g!["Name"], "$Default", StringComparison.OrdinalIgnoreCase));
        });
    }

    [Fact]
    public void Compose_file_runs_the_emulator_with_azurite_and_the_generated_config()
    {
        var compose = File.ReadAllText(Path.Combine(Repo.Infra, "emulator", "docker-compose.yml"));

        Assert.Contains("mcr.microsoft.com/azure-messaging/eventhubs-emulator", compose, StringComparison.Ordinal);
        Assert.Contains("mcr.microsoft.com/azure-storage/azurite", compose, StringComparison.Ordinal);
        Assert.Contains("./Config.json:/Eventhubs_Emulator/ConfigFiles/Config.json", compose, StringComparison.Ordinal);
        Assert.Contains("BLOB_SERVER: azurite", compose, StringComparison.Ordinal);
        Assert.Contains("METADATA_SERVER: azurite", compose, StringComparison.Ordinal);
        Assert.Contains("ACCEPT_EULA:", compose, StringComparison.Ordinal);
    }
}
