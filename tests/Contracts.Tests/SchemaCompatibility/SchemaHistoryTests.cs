using Xunit.Abstractions;

namespace Store.Contracts.Tests.SchemaCompatibility;

/// <summary>
/// The gate against history: a schema must stay compatible with every revision of itself ever committed, and the catalog
/// may drop no published type, whether the breaking change is still in the working tree or already committed.
/// </summary>
public sealed class SchemaHistoryTests(ITestOutputHelper output)
{
    [GitHeadFact]
    public void EverySchema_IsCompatibleWithEveryCommittedRevision_AndTheCatalogDropsNoPublishedType()
    {
        Assert.True(SchemaHistory.ShallowReason(RepoFiles.Root) is null, SchemaHistory.ShallowReason(RepoFiles.Root));

        var result = SchemaHistory.Check(RepoFiles.Root);
        output.WriteLine($"Compared the working tree with {result.Revisions} committed revision(s) of schemas and catalog.");
        foreach (var file in result.New)
        {
            output.WriteLine($"{file}: no commit has it yet (a new event type or major version), nothing to compare.");
        }

        Assert.True(result.Revisions > 0, "no committed revision of any schema was found");
        Assert.True(result.Problems.Count == 0,
            "Breaking changes against committed history (inside a major version only optional additions and looser constraints "
            + "are allowed; publish a new <domain>.<event>.v<N+1> type and schema file instead, and keep every published type):\n"
            + string.Join('\n', result.Problems));
    }

    [Theory]
    [InlineData("\"currency\"\n  ]", "\"currency\",\n    \"giftWrap\"\n  ]", "/giftWrap: new required property (add it as optional within a major version)")]
    [InlineData("\"customerId\": {\n      \"type\": \"string\",\n      \"minLength\": 1,\n      \"maxLength\": 128", "\"customerId\": {\n      \"type\": \"string\",\n      \"minLength\": 1,\n      \"maxLength\": 64", "/customerId: maxLength lowered from 128 to 64")]
    public void ABreakingChange_AlreadyCommitted_FailsTheGate(string original, string replacement, string expected)
    {
        using var repo = new ScratchRepository();
        repo.Commit("v1");
        var schema = repo.Read("schemas/sales/order-placed.v1.json");
        Assert.Contains(original, schema, StringComparison.Ordinal);
        repo.Write("schemas/sales/order-placed.v1.json", schema.Replace(original, replacement, StringComparison.Ordinal));
        repo.Commit("a breaking change, committed (the working tree equals HEAD)");

        var result = SchemaHistory.Check(repo.Root);

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("schemas/sales/order-placed.v1.json: against its revision of ", problem, StringComparison.Ordinal);
        Assert.EndsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUncommittedBreakingChange_FailsTheGate_AndANewMajorVersionIsOnlyNew()
    {
        using var repo = new ScratchRepository();
        repo.Commit("v1");
        repo.Write("schemas/sales/order-placed.v1.json", repo.Read("schemas/sales/order-placed.v1.json").Replace("\"maximum\": 1000", "\"maximum\": 500", StringComparison.Ordinal));
        repo.Write("schemas/sales/order-placed.v3.json", "{\"type\":\"object\",\"required\":[\"brandNew\"]}");

        var result = SchemaHistory.Check(repo.Root);

        Assert.Equal([$"schemas/sales/order-placed.v1.json: against its revision of {repo.Head[..10]}: /lines/items/quantity: maximum lowered from 1000 to 500"], result.Problems);
        Assert.Equal(["schemas/sales/order-placed.v3.json"], result.New);
    }

    [Fact]
    public void ATypeDroppedFromTheCatalog_AndItsDeletedSchema_FailTheGate()
    {
        using var repo = new ScratchRepository();
        repo.Commit("v1");
        var catalog = JsonNode.Parse(repo.Read("schemas/catalog.json"))!;
        var sales = catalog["domains"]!.AsArray().Single(d => (string?)d!["name"] == "sales")!["streams"]![0]!["events"]!.AsArray();
        sales.Remove(sales.Single(e => (string?)e == "sales.order-cancelled.v1"));
        var types = catalog["eventTypes"]!.AsArray();
        types.Remove(types.Single(t => (string?)t!["type"] == "sales.order-cancelled.v1"));
        repo.Write("schemas/catalog.json", catalog.ToJsonString());
        File.Delete(Path.Combine(repo.Root, "schemas", "sales", "order-cancelled.v1.json"));
        repo.Commit("retire order-cancelled");

        var problems = SchemaHistory.Check(repo.Root).Problems;

        Assert.Contains(problems, p => p.StartsWith("schemas/sales/order-cancelled.v1.json: committed", StringComparison.Ordinal) && p.EndsWith("but gone; events of its type may be in the archive, so it stays", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.EndsWith("sales.order-cancelled.v1 is no longer published on sales-orders; its events may be in the archive, so the catalog keeps it there", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.EndsWith("sales.order-cancelled.v1 was described by sales/order-cancelled.v1.json, now by nothing; archived events need that schema", StringComparison.Ordinal));
    }

    [Fact]
    public void AShallowClone_IsRefused_NotPassed()
    {
        using var repo = new ScratchRepository();
        repo.Commit("v1");
        repo.Write("schemas/sales/order-placed.v1.json", repo.Read("schemas/sales/order-placed.v1.json").Replace("\"maxLength\": 128", "\"maxLength\": 64", StringComparison.Ordinal));
        repo.Commit("narrowed");
        var shallow = repo.Root + "-shallow";
        try
        {
            ScratchRepository.Git(Path.GetTempPath(), "clone", "--quiet", "--depth", "1", new Uri(repo.Root).AbsoluteUri, shallow);

            Assert.Contains("is a shallow clone", SchemaHistory.ShallowReason(shallow), StringComparison.Ordinal);
            Assert.Null(SchemaHistory.ShallowReason(repo.Root));
        }
        finally
        {
            ScratchRepository.Delete(shallow);
        }
    }

    [Fact]
    public void RepositoryWithoutCommits_IsReportedAsUnavailable_NotAsCompatible()
    {
        using var repo = new ScratchRepository();
        Assert.Contains("no HEAD commit", SchemaHistory.UnavailableReason(repo.Root), StringComparison.Ordinal);
    }

    /// <summary>A temporary git repository holding the real catalog and the sales schemas.</summary>
    private sealed class ScratchRepository : IDisposable
    {
        public ScratchRepository()
        {
            Directory.CreateDirectory(Path.Combine(Root, "schemas", "sales"));
            File.Copy(RepoFiles.Path("schemas", "catalog.json"), Path.Combine(Root, "schemas", "catalog.json"));
            foreach (var file in Directory.GetFiles(RepoFiles.Path("schemas", "sales")))
            {
                File.Copy(file, Path.Combine(Root, "schemas", "sales", Path.GetFileName(file)));
            }

            Git(Root, "init", "--quiet");
        }

        public string Root { get; } = Path.Combine(Path.GetTempPath(), $"schema-history-{Guid.NewGuid():N}");

        public string Head => Git(Root, "rev-parse", "HEAD").Trim();

        public string Read(string path) => File.ReadAllText(Path.Combine(Root, path));

        public void Write(string path, string text) => File.WriteAllText(Path.Combine(Root, path), text);

        public void Commit(string message)
        {
            Git(Root, "add", "--all");
            Git(Root, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", message);
        }

        public void Dispose() => Delete(Root);

        public static void Delete(string dir)
        {
            if (!Directory.Exists(dir))
            {
                return;
            }

            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(dir, recursive: true);
        }

        public static string Git(string dir, params string[] args)
        {
            var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args)
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {stderr.Result}");
            return stdout;
        }
    }
}
