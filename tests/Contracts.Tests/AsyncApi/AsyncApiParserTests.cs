namespace Store.Contracts.Tests.AsyncApi;

/// <summary>The checked-in AsyncAPI document passes the official parser (@asyncapi/parser via Node), and the parser check can fail.</summary>
public sealed class AsyncApiParserTests
{
    private const string CheckedIn = "checked-in document";

    // The parser takes seconds of CPU to load: the checked-in document and every broken one are validated in one node
    // process (validate-asyncapi.mjs --each), which reports for each what the single-document run would have.
    private static readonly Lazy<Task<IReadOnlyDictionary<string, (int ExitCode, string StdOut, string StdErr)>>> Validated = new(ValidateAllAsync);

    [Fact]
    public async Task CheckedInDocument_IsValidForTheOfficialParser()
    {
        var (exit, stdout, stderr) = (await Validated.Value)[CheckedIn];
        Assert.True(exit == 0, $"@asyncapi/parser rejected {AsyncApiGenerator.RelativePath} (exit {exit}):\n{stderr}\n{stdout}");
        Assert.Contains("valid AsyncAPI 3.0.0", stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BrokenDocuments() => new()
    {
        // Structural: info.version is required by the AsyncAPI JSON Schema.
        { "info.version removed", "\"info\" property must have required property \"version\"" },
        // Semantic: an operation may only list messages of the channel it refers to.
        { "operation lists another channel's message", "asyncapi3-operation-messages-from-referred-channel" },
        // References must resolve.
        { "dangling channel reference", "#/channels/no-such-hub" },
        // Examples must match their message's schemas (checked by the script with the parser's Ajv).
        { "example violates its schema", "message-example-invalid at /components/messages/sales.order-placed.v1/examples/0/payload/data/lines/0/quantity" },
    };

    [Theory]
    [MemberData(nameof(BrokenDocuments))]
    public async Task BrokenDocument_ExitsNonZero_WithAnErrorDiagnostic(string breakage, string expectedInDiagnostics)
    {
        var (exit, stdout, stderr) = (await Validated.Value)[breakage];
        Assert.True(exit == 1, $"expected exit code 1 for '{breakage}', got {exit}:\n{stderr}\n{stdout}");
        Assert.Contains("error ", stderr, StringComparison.Ordinal);
        Assert.Contains(expectedInDiagnostics, stderr, StringComparison.Ordinal);
    }

    private static JsonObject Break(string breakage)
    {
        var document = AsyncApiDocumentTests.Generate();
        var operations = document["operations"]!.AsObject();
        switch (breakage)
        {
            case "info.version removed":
                document["info"]!.AsObject().Remove("version");
                break;
            case "operation lists another channel's message":
                operations["Sales.send.sales-orders"]!["messages"]!.AsArray().Add(new JsonObject { ["$ref"] = "#/channels/payments/messages/payments.payment-declined.v1" });
                break;
            case "example violates its schema":
                document["components"]!["messages"]!["sales.order-placed.v1"]!["examples"]![0]!["payload"]!["data"]!["lines"]![0]!["quantity"] = 0;
                break;
            case "dangling channel reference":
                operations["Sales.send.sales-orders"]!["channel"] = new JsonObject { ["$ref"] = "#/channels/no-such-hub" };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "no such breakage");
        }

        return document;
    }

    private static async Task<IReadOnlyDictionary<string, (int ExitCode, string StdOut, string StdErr)>> ValidateAllAsync()
    {
        var dir = Directory.CreateTempSubdirectory("asyncapi-broken-");
        try
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal) { [CheckedIn] = RepoFiles.Path(AsyncApiGenerator.RelativePath) };
            foreach (var breakage in BrokenDocuments().Select(row => (string)row[0]))
            {
                var file = Path.Combine(dir.FullName, $"broken-{files.Count}.yaml");
                await File.WriteAllTextAsync(file, AsyncApiGenerator.Render(Break(breakage)));
                files[breakage] = file;
            }

            var (exit, stdout, stderr) = await NodeScripts.RunAsync(NodeScripts.ValidateAsyncApi, ["--each", .. files.Values]);
            Assert.True(exit == 0, $"validate-asyncapi.mjs --each failed (exit {exit}):\n{stderr}\n{stdout}");
            var report = JsonNode.Parse(stdout)!.AsObject();
            return files.ToDictionary(
                f => f.Key,
                f => report[f.Value] is JsonObject r
                    ? ((int)r["exitCode"]!, (string)r["stdout"]!, (string)r["stderr"]!)
                    : throw new InvalidOperationException($"validate-asyncapi.mjs --each reported nothing for {f.Value}"),
                StringComparer.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Yaml_ParsesBackToExactlyTheGeneratedTree()
    {
        var (exit, stdout, stderr) = await NodeScripts.RunAsync(NodeScripts.ValidateAsyncApi, "--to-json", RepoFiles.Path(AsyncApiGenerator.RelativePath));
        Assert.True(exit == 0, stderr);
        Assert.True(JsonNode.DeepEquals(AsyncApiDocumentTests.Generate(), JsonNode.Parse(stdout)), "js-yaml reads schemas/asyncapi.yaml as a different tree than the generator built");
    }

    [Fact]
    public async Task YamlWriter_QuotesEveryAmbiguousScalar()
    {
        var tricky = new JsonObject
        {
            ["plain"] = new JsonArray("sales-orders", "https://schemas.store.example/x.json", "a:b", "a#b", "x|y", "a [b] {c}", "`code` and \"quotes\"", "Bronze < 1000 <= Silver — Gold"),
            ["booleanLike"] = new JsonArray("yes", "No", "on", "true", "null", "~"),
            ["numberLike"] = new JsonArray("1.0", "0", "1e3", ".5", "-1"),
            ["indicators"] = new JsonArray("#/components/x", "a: b", "a #b", "trailing:", "yes:", "1.0.0", "1e3x", "{namespace}.x", "[x]", "*alias", "&anchor", "!tag", "|", ">", "@x", "`x`", "%x", "- x", "? x", "'q'", "\"dq\""),
            ["whitespace"] = new JsonArray("", " leading", "trailing ", "tab\there", "two\nlines", "ends\n", "crlf\r\nline"),
            ["unicode"] = "Bronze < 1000 <= Silver — Gold ✓",
            ["key: with colon"] = 1,
            ["$ref"] = "#/x",
            ["cloudEvents:id"] = "x",
            ["numbers"] = new JsonArray(0, -1, 2.5, 1000000),
            ["empty"] = new JsonObject { ["map"] = new JsonObject(), ["list"] = new JsonArray() },
            ["nested"] = new JsonArray(new JsonArray("a", new JsonObject { ["k"] = "v" }), new JsonObject { ["a"] = new JsonArray(1, 2), ["b"] = "multi\nline\n  indented" }),
            ["flags"] = new JsonArray(true, false, null),
        };

        var file = Path.Combine(Path.GetTempPath(), $"yaml-writer-{Guid.NewGuid():N}.yaml");
        try
        {
            await File.WriteAllTextAsync(file, YamlWriter.Write(tricky, ["header comment"]));
            var (exit, stdout, stderr) = await NodeScripts.RunAsync(NodeScripts.ValidateAsyncApi, "--to-json", file);
            Assert.True(exit == 0, stderr);
            Assert.True(JsonNode.DeepEquals(tricky, JsonNode.Parse(stdout)), $"round trip differs:\n{tricky.ToJsonString()}\n{stdout}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
