namespace Store.Contracts.Tests;

public sealed class AzureYamlTests
{
    [Fact]
    public void AzureYamlServices_AreGeneratedFromTheCatalog()
    {
        var yaml = File.ReadAllText(RepoFiles.Path(AzureYaml.RelativePath)).ReplaceLineEndings("\n");
        var catalog = EventCatalog.Parse(File.ReadAllText(RepoFiles.Path("schemas", "catalog.json")));

        Assert.True(yaml == AzureYaml.Splice(yaml, catalog), "azure.yaml's services differ from schemas/catalog.json: run .ci/regenerate.");
    }
}
