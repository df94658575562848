namespace Store.LocalHost.Tests.Replay;

/// <summary>
/// The fault-free replay of <see cref="FaultInjectionTests.GenerateInput"/>'s input (seed 42) that the fault, late-start
/// and rebuild tests compare their runs with. A replay is deterministic, so it runs once per test process; its folder is
/// deleted when the process exits.
/// </summary>
internal static class ReferenceReplay
{
    private static readonly Lazy<Task<Run>> Clean = new(RunAsync);

    /// <summary>The input file, the replay's output folder, and the malformed lines the input holds.</summary>
    public sealed record Run(string Input, string Dir, List<(string Hub, string Body, string[] DeadLetteredBy)> Malformed);

    public static Task<Run> CleanAsync() => Clean.Value;

    private static async Task<Run> RunAsync()
    {
        var dir = Directory.CreateTempSubdirectory("replay-reference-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        var input = Path.Combine(dir, "input.jsonl");
        var malformed = FaultInjectionTests.GenerateInput(input, seed: 42);
        var output = Path.Combine(dir, "clean");
        var stderr = new StringWriter();
        var exit = await ReplayCommand.RunReplayAsync(new ReplayOptions(input, output, FaultOptions.None, Seed: 1), TextWriter.Null, stderr, CancellationToken.None);
        Assert.True(exit == 0, $"reference replay: exit {exit}\n{stderr}");
        Assert.DoesNotContain("FAILED", stderr.ToString(), StringComparison.Ordinal);
        return new Run(input, output, malformed);
    }
}
