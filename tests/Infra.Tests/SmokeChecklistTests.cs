namespace Infra.Tests;

/// <summary>The post-deploy smoke checklist in infra/README.md checks for what a broken deployment really shows.</summary>
public sealed class SmokeChecklistTests
{
    private static readonly string Checklist = ReadChecklist();

    [Fact]
    public void The_missing_trigger_check_looks_for_the_unregistered_event_hubs_binding()
    {
        // An app built without the Event Hubs extension still has HTTP and timer functions, so the host never logs
        // "No job functions found"; it reports the eventHubTrigger binding type as not registered.
        Assert.DoesNotContain("No job functions found", Checklist, StringComparison.Ordinal);
        Assert.Contains("eventHubTrigger", Checklist, StringComparison.Ordinal);
        Assert.Contains("not registered", Checklist, StringComparison.Ordinal);
    }

    [Fact]
    public void The_end_to_end_check_allows_for_cold_starts_and_the_relay_period()
    {
        Assert.DoesNotContain("within a minute", Checklist, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cold start", Checklist, StringComparison.OrdinalIgnoreCase);
    }

    private static string ReadChecklist()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Infra, "README.md"));
        var start = readme.IndexOf("smoke checklist", StringComparison.OrdinalIgnoreCase);
        Assert.True(start >= 0, "infra/README.md has no smoke checklist.");
        var end = readme.IndexOf("\n### ", start, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }
}
