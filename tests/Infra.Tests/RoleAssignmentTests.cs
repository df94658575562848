namespace Infra.Tests;

/// <summary>
/// Least privilege, checked on the role assignments `bicep snapshot` predicts (every module and loop expanded),
/// against ownership and consumption read independently from schemas/catalog.json.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class RoleAssignmentTests(InfraFixture infra)
{
    private const string Sender = "2b629674-e913-4c01-ae53-ef4638d8f975";
    private const string Receiver = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";
    private const string BlobOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string TableContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    public static TheoryData<string> Contexts() => new(Catalog.Load().Contexts.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Context_may_send_only_to_the_hubs_it_owns_and_the_dead_letters(string context)
    {
        var hubs = AssignmentsOf(context).Where(a => a.Role == Sender).Select(a => HubOf(a.Scope)).ToList();

        Assert.Equal(infra.Catalog.HubsSentBy(context).Order(), hubs.Order());
        Assert.Contains("dead-letters", hubs);
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Context_may_receive_only_from_the_hubs_it_consumes(string context)
    {
        var hubs = AssignmentsOf(context).Where(a => a.Role == Receiver).Select(a => HubOf(a.Scope)).ToList();

        Assert.Equal(infra.Catalog.HubsConsumedBy(context).Order(), hubs.Order());
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Context_has_table_access_only_to_its_own_state_and_host_storage_and_blob_access_only_to_its_host_storage(string context)
    {
        var prefix = context.ToLowerInvariant()[..Math.Min(8, context.Length)];
        var assignments = AssignmentsOf(context);

        // State tables, plus the host storage's tables (the Functions host writes its diagnostic events there). No queues.
        var tables = assignments.Where(a => a.Role == TableContributor).Select(a => a.Scope).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, tables.Count);
        Assert.Matches($"/providers/Microsoft.Storage/storageAccounts/sth{prefix}[a-z0-9]+$", tables[0]);
        Assert.Matches($"/providers/Microsoft.Storage/storageAccounts/sts{prefix}[a-z0-9]+$", tables[1]);

        var blobs = assignments.Where(a => a.Role == BlobOwner).Select(a => a.Scope).ToList();
        var blob = Assert.Single(blobs);
        Assert.Matches($"/providers/Microsoft.Storage/storageAccounts/sth{prefix}[a-z0-9]+$", blob);

        var telemetry = Assert.Single(assignments, a => a.Role == MetricsPublisher);
        Assert.Contains("/providers/Microsoft.Insights/components/", telemetry.Scope, StringComparison.Ordinal);

        // Nothing else: no other role, no broader scope.
        Assert.All(assignments, a => Assert.Contains(a.Role, new[] { Sender, Receiver, BlobOwner, TableContributor, MetricsPublisher }));
    }

    [Fact]
    public void Event_hubs_roles_are_scoped_to_single_hubs_never_to_a_namespace()
    {
        var roles = All().Where(a => a.Role is Sender or Receiver).ToList();

        Assert.NotEmpty(roles);
        Assert.All(roles, a => Assert.Matches("/providers/Microsoft.EventHub/namespaces/[^/]+/eventhubs/[^/]+$", a.Scope));
    }

    [Fact]
    public void Hubs_are_granted_in_their_own_domain_namespace()
    {
        foreach (var a in All().Where(a => a.Role is Sender or Receiver))
        {
            var domain = infra.Catalog.DomainOf(HubOf(a.Scope));
            Assert.Contains($"/namespaces/evhns-{domain.Name}-", a.Scope, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Role_assignment_names_are_guid_of_scope_principal_and_role()
    {
        foreach (var a in All().Where(a => a.PrincipalExpression is not null))
        {
            Assert.Equal($"[guid('{a.Scope}', {a.PrincipalExpression}, '{a.Role}')]", a.Name);
        }
    }

    [Fact]
    public void Developer_gets_only_data_roles_on_hubs_the_apps_use_on_dead_letters_on_state_tables_and_telemetry()
    {
        var developer = All().Where(a => a.Principal == InfraFixture.DeveloperPrincipalId).ToList();
        var sent = infra.Catalog.Contexts.SelectMany(c => infra.Catalog.HubsSentBy(c.Name)).ToHashSet();
        // Plus the dead-letter hub, which operators read (operations consumer group) to inspect and replay dead letters.
        var consumed = infra.Catalog.Contexts.SelectMany(c => infra.Catalog.HubsConsumedBy(c.Name))
            .Append(infra.Catalog.Streams.Single(s => s.Stream.DeadLetter).Stream.Hub).ToHashSet();

        Assert.All(developer, a => Assert.Equal("User", a.PrincipalType));
        Assert.Equal(sent.Order(), developer.Where(a => a.Role == Sender).Select(a => HubOf(a.Scope)).Order());
        Assert.Equal(consumed.Order(), developer.Where(a => a.Role == Receiver).Select(a => HubOf(a.Scope)).Order());
        Assert.Equal(infra.Catalog.Contexts.Count, developer.Count(a => a.Role == TableContributor && a.Scope.Contains("/storageAccounts/sts", StringComparison.Ordinal)));
        // Local runs export telemetry to the Entra-only Application Insights as the developer.
        var telemetry = Assert.Single(developer, a => a.Role == MetricsPublisher);
        Assert.Contains("/providers/Microsoft.Insights/components/", telemetry.Scope, StringComparison.Ordinal);
        Assert.All(developer, a => Assert.Contains(a.Role, new[] { Sender, Receiver, TableContributor, MetricsPublisher }));
    }

    [Fact]
    public void Every_role_assignment_belongs_to_a_context_identity_or_the_developer()
    {
        var identities = infra.Catalog.Contexts.Select(c => $"id-{c.Name.ToLowerInvariant()}-").ToList();

        Assert.All(All(), a => Assert.True(
            a.Principal == InfraFixture.DeveloperPrincipalId || identities.Any(i => a.Principal.StartsWith(i, StringComparison.Ordinal))
                || (a.Principal.StartsWith("id-capture-", StringComparison.Ordinal) && a.Scope.Contains("/providers/Microsoft.Storage/storageAccounts/starc", StringComparison.Ordinal)),
            $"Unexpected principal {a.Principal} on {a.Scope}."));
    }

    private sealed record Assignment(string Name, string Scope, string Role, string Principal, string? PrincipalExpression, string PrincipalType);

    private List<Assignment> AssignmentsOf(string context) =>
        All().Where(a => a.Principal.StartsWith($"id-{context.ToLowerInvariant()}-", StringComparison.Ordinal)).ToList();

    private List<Assignment> All() => infra.Resources("Microsoft.Authorization/roleAssignments").Select(Parse).ToList();

    private static string HubOf(string scope) => scope[(scope.LastIndexOf('/') + 1)..];

    private static Assignment Parse(JsonObject resource)
    {
        var id = (string)resource["id"]!;
        var props = resource["properties"]!;
        var roleDefinition = (string)props["roleDefinitionId"]!;
        var role = roleDefinition[(roleDefinition.LastIndexOf('/') + 1)..];

        // Ids are literal when every input is known, or extensionResourceId('<scope>', ...) when the name needs a runtime principal id.
        const string Extension = "[extensionResourceId('";
        const string Marker = "/providers/Microsoft.Authorization/roleAssignments/";
        var scope = id.StartsWith(Extension, StringComparison.Ordinal)
            ? id[Extension.Length..id.IndexOf('\'', Extension.Length)]
            : id[..id.LastIndexOf(Marker, StringComparison.Ordinal)];

        // A context's identity appears as reference('<identity id>', ...).principalId; the developer as a literal id.
        var principalValue = (string)props["principalId"]!;
        string principal;
        string? expression = null;
        if (principalValue.StartsWith("[reference('", StringComparison.Ordinal))
        {
            expression = principalValue[1..^1];
            var identityId = principalValue["[reference('".Length..principalValue.IndexOf('\'', "[reference('".Length)];
            // A user-assigned identity: a context's, or the capture identity (ArchiveTests).
            Assert.Contains("/providers/Microsoft.ManagedIdentity/userAssignedIdentities/", identityId, StringComparison.Ordinal);
            Assert.EndsWith(").principalId]", principalValue, StringComparison.Ordinal);
            principal = identityId[(identityId.LastIndexOf('/') + 1)..];
        }
        else
        {
            principal = principalValue;
        }

        return new Assignment((string)resource["name"]!, scope, role, principal, expression, (string)props["principalType"]!);
    }
}
