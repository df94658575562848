namespace Infra.Tests;

/// <summary>
/// The snapshots the tests read come from one warm `bicep jsonrpc` process (<see cref="BicepServer"/>): they are exactly
/// what `bicep snapshot` writes, and a template that does not compile still fails with the CLI's diagnostics.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class BicepServerTests(InfraFixture infra)
{
    [Fact]
    public void The_servers_snapshot_is_the_one_the_cli_writes()
    {
        var dir = Directory.CreateTempSubdirectory("bicep-snapshot-cli-");
        try
        {
            var paramFile = InfraFixture.WriteParameters(dir.FullName, Path.Combine(Repo.Infra, "main.bicep"), string.Empty, "eastus2");

            var cli = InfraFixture.CliSnapshot(paramFile, "eastus2");

            Assert.True(JsonNode.DeepEquals(cli, infra.Snapshot), "bicep/getSnapshot and bicep snapshot disagree on main.bicep");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_template_that_does_not_compile_fails_with_the_clis_diagnostics()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => infra.SnapshotWith("param noSuchParameter = 'x'"));

        Assert.Contains("bicep snapshot failed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("noSuchParameter", failure.Message, StringComparison.Ordinal);
    }
}
