namespace Infra.Tests;

/// <summary>
/// Who besides the apps gets data access: the developer only while developerAccess is on (off for production), and an
/// opt-in operator with exactly what `rebuild &lt;Context&gt; --azure` (functions/LocalHost) needs for any context.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class AccessOptionsTests(InfraFixture infra)
{
    private const string OperatorPrincipalId = "99999999-8888-7777-6666-555555555555";
    private const string Sender = "2b629674-e913-4c01-ae53-ef4638d8f975";
    private const string Receiver = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";
    private const string BlobReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string BlobContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string TableContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    [Fact]
    public void With_developer_access_off_the_developer_gets_no_role()
    {
        var snapshot = infra.SnapshotWith("param developerAccess = false");

        Assert.DoesNotContain(RoleAssignments(snapshot), a => (string?)a["properties"]!["principalId"] == InfraFixture.DeveloperPrincipalId);
        // The apps keep theirs.
        Assert.NotEmpty(RoleAssignments(snapshot));
    }

    [Fact]
    public void Without_an_operator_nobody_reads_the_archive()
    {
        Assert.DoesNotContain(RoleAssignments(infra.Snapshot), a => RoleOf(a) == BlobReader);
    }

    [Fact]
    public void The_operator_gets_exactly_the_roles_an_azure_rebuild_of_any_context_uses()
    {
        var snapshot = infra.SnapshotWith($"param operatorPrincipalId = '{OperatorPrincipalId}'\nparam developerAccess = false");
        var grants = RoleAssignments(snapshot).Where(a => (string?)a["properties"]!["principalId"] == OperatorPrincipalId)
            .Select(a => (Role: RoleOf(a), Scope: ScopeOf(a), Type: (string)a["properties"]!["principalType"]!)).ToList();
        var archive = (string)Assert.Single(snapshot["predictedResources"]!.AsArray().OfType<JsonObject>(), r => (string?)r["tags"]?["purpose"] == "stream-archive")["id"]!;

        Assert.All(grants, g => Assert.Equal("User", g.Type));
        // Reads the capture blobs.
        Assert.Equal([archive], grants.Where(g => g.Role == BlobReader).Select(g => g.Scope));
        // Resets and writes checkpoints in each app's host storage; deletes and rebuilds rows in each state account.
        Assert.Equal(infra.Catalog.Contexts.Count, AccountsFor(snapshot, "functions-host").Count);
        Assert.Equal(AccountsFor(snapshot, "functions-host"), grants.Where(g => g.Role == BlobContributor).Select(g => g.Scope).Order(StringComparer.Ordinal));
        Assert.Equal(AccountsFor(snapshot, "state"), grants.Where(g => g.Role == TableContributor).Select(g => g.Scope).Order(StringComparer.Ordinal));
        // Reads partition properties of the hubs a context consumes, and publishes its outputs (original ids) to the hubs it sends to.
        Assert.Equal(
            infra.Catalog.Contexts.SelectMany(c => infra.Catalog.HubsConsumedBy(c.Name)).Distinct().Order(StringComparer.Ordinal),
            grants.Where(g => g.Role == Receiver).Select(g => HubOf(g.Scope)).Order(StringComparer.Ordinal));
        Assert.Equal(
            infra.Catalog.Contexts.SelectMany(c => infra.Catalog.HubsSentBy(c.Name)).Distinct().Order(StringComparer.Ordinal),
            grants.Where(g => g.Role == Sender).Select(g => HubOf(g.Scope)).Order(StringComparer.Ordinal));
        Assert.All(grants, g => Assert.Contains(g.Role, new[] { BlobReader, BlobContributor, TableContributor, Receiver, Sender }));
    }

    [Fact]
    public void Azd_environment_variables_set_the_operator_and_developer_access_and_the_readme_documents_them()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Infra, "main.parameters.json")))!["parameters"]!;
        var readme = File.ReadAllText(Path.Combine(Repo.Infra, "README.md"));

        Assert.Equal("${OPERATOR_PRINCIPAL_ID=}", (string?)parameters["operatorPrincipalId"]?["value"]);
        Assert.Equal("${OPERATOR_PRINCIPAL_TYPE=User}", (string?)parameters["operatorPrincipalType"]?["value"]);
        Assert.Equal("${DEVELOPER_ACCESS=true}", (string?)parameters["developerAccess"]?["value"]);
        Assert.All(new[] { "OPERATOR_PRINCIPAL_ID", "DEVELOPER_ACCESS", "rebuild" }, v => Assert.Contains(v, readme, StringComparison.Ordinal));
    }

    private static IEnumerable<JsonObject> RoleAssignments(JsonObject snapshot) =>
        snapshot["predictedResources"]!.AsArray().OfType<JsonObject>().Where(r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments");

    private static string RoleOf(JsonObject assignment)
    {
        var id = (string)assignment["properties"]!["roleDefinitionId"]!;
        return id[(id.LastIndexOf('/') + 1)..];
    }

    /// <summary>The scope is in the id: literal when every input is known, else inside extensionResourceId('&lt;scope&gt;', ...).</summary>
    private static string ScopeOf(JsonObject assignment)
    {
        var id = (string)assignment["id"]!;
        const string Extension = "[extensionResourceId('";
        return id.StartsWith(Extension, StringComparison.Ordinal)
            ? id[Extension.Length..id.IndexOf('\'', Extension.Length)]
            : id[..id.LastIndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)];
    }

    private static List<string> AccountsFor(JsonObject snapshot, string purpose) =>
        snapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => (string?)r["type"] == "Microsoft.Storage/storageAccounts" && (string?)r["tags"]?["purpose"] == purpose)
            .Select(r => (string)r["id"]!).Order(StringComparer.Ordinal).ToList();

    private static string HubOf(string scope) => scope[(scope.LastIndexOf('/') + 1)..];
}
