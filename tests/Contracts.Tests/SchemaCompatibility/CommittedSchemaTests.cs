using Xunit.Abstractions;

namespace Store.Contracts.Tests.SchemaCompatibility;

/// <summary>An incompatible edit to a checked-in schema fails here before it is committed.</summary>
public sealed class CommittedSchemaTests(ITestOutputHelper output)
{
    [GitHeadFact]
    public void WorkingTreeSchemas_AreCompatibleWithTheirCommittedVersions()
    {
        var result = CommittedSchemas.CompareWorkingTreeWithHead(RepoFiles.Root);
        output.WriteLine($"Compared {result.Compared.Count} schema(s) with HEAD.");
        foreach (var file in result.New)
        {
            output.WriteLine($"{file}: not in HEAD yet (a new event type or major version), nothing to compare.");
        }

        Assert.NotEmpty(result.Compared);
        Assert.True(result.Problems.Count == 0,
            "Breaking schema changes inside a major version (only optional additions are allowed; publish a new major version, a new <domain>.<event>.v<N+1> type and schema file, instead):\n"
            + string.Join('\n', result.Problems));
    }

    [GitHeadFact]
    public void IncompatibleEditInAScratchRepository_IsReported_AndANewMajorIsNot()
    {
        var repo = Path.Combine(Path.GetTempPath(), $"schema-git-{Guid.NewGuid():N}");
        var schemaDir = Path.Combine(repo, "schemas", "sales");
        Directory.CreateDirectory(schemaDir);
        try
        {
            var original = File.ReadAllText(RepoFiles.Path("schemas", "sales", "order-placed.v1.json"));
            File.WriteAllText(Path.Combine(schemaDir, "order-placed.v1.json"), original);
            Git(repo, "init", "--quiet");
            Git(repo, "add", ".");
            Git(repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "v1");

            File.WriteAllText(Path.Combine(schemaDir, "order-placed.v1.json"), original.Replace("\"maximum\": 1000", "\"maximum\": 500", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(schemaDir, "order-placed.v2.json"), "{\"type\":\"object\",\"required\":[\"brandNew\"]}");

            var result = CommittedSchemas.CompareWorkingTreeWithHead(repo);

            Assert.Equal(["schemas/sales/order-placed.v1.json: /lines/items/quantity: maximum lowered from 1000 to 500"], result.Problems);
            Assert.Equal(["schemas/sales/order-placed.v2.json"], result.New);
        }
        finally
        {
            foreach (var file in Directory.EnumerateFiles(repo, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(repo, recursive: true);
        }
    }

    [GitHeadFact]
    public void RepositoryWithoutCommits_IsReportedAsUnavailable_NotAsCompatible()
    {
        var repo = Path.Combine(Path.GetTempPath(), $"schema-git-{Guid.NewGuid():N}");
        Directory.CreateDirectory(repo);
        try
        {
            Git(repo, "init", "--quiet");
            Assert.Contains("no HEAD commit", CommittedSchemas.UnavailableReason(repo), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }
    }

    private static void Git(string repo, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = repo, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {stderr.Result}");
    }
}
