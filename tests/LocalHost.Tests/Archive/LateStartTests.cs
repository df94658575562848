namespace Store.LocalHost.Tests.Archive;

/// <summary>
/// Streams beyond retention: a context that starts late, when every partition keeps only its last few events live and the
/// rest is only in the capture archive, bootstraps from the archive and ends with the same state and the same outputs as
/// when it ran from the start, also under crashes and duplicate deliveries during the switchover; `rebuild` reaches the
/// same state from the archive alone, and a hole in the archive stops it with the missing range.
/// </summary>
public sealed class LateStartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("late-start-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Late_contexts_bootstrapped_from_the_archive_end_like_contexts_that_ran_from_the_start_and_rebuild_reaches_the_same_state()
    {
        var (input, always, _) = await ReferenceReplay.CleanAsync();
        // Crashes between commit and checkpoint and duplicate deliveries throughout, the switchover included.
        var (late, lateOut) = await ReplayAsync(input, Path.Combine(_dir, "late"), new FaultOptions(0.3, 0.3), seed: 7, "--retain", "2", "--start-late", "Loyalty,Tracking");

        // The late contexts really bootstrapped from the archive: most of every stream was no longer live.
        Assert.Contains("retention: each partition keeps its last 2 events live", lateOut, StringComparison.Ordinal);
        Assert.Matches(@"late start: Loyalty, Tracking bootstrapped from the capture archive \(.*sales-orders \d+", lateOut);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(late, "capture"), "*.avro", SearchOption.AllDirectories));

        var expected = FaultInjectionTests.LoadState(always);
        Assert.Contains(expected.Keys, k => k.StartsWith("Loyalty/", StringComparison.Ordinal));
        AssertSameState(expected, FaultInjectionTests.LoadState(late), "late");
        foreach (var hub in EventCatalog.Current.Streams.Select(s => s.Stream.Hub))
        {
            Assert.Equal(FaultInjectionTests.OutputSet(always, hub), FaultInjectionTests.OutputSet(late, hub));
        }

        // rebuild: Loyalty's state from the archive alone equals the original run's.
        var dry = await CliRunner.RunAsync("rebuild", "Loyalty", "--dir", late, "--dry-run");
        Assert.Equal(0, dry.Exit);
        Assert.Contains("rebuild Loyalty: would delete its tables: loyalty", dry.Out, StringComparison.Ordinal);
        Assert.Contains("would reset the checkpoints of its consumer groups: sales-orders/loyalty, fulfillment-shipments/loyalty", dry.Out, StringComparison.Ordinal);
        Assert.Matches(@"would read sales-orders/0: sequence 0\.\.\d+ from \d+ capture file\(s\)", dry.Out);
        Assert.False(Directory.Exists(Path.Combine(late, "rebuilt")), "A dry run must not write anything.");

        var rebuild = await CliRunner.RunAsync("rebuild", "Loyalty", "--dir", late);
        Assert.True(rebuild.Exit == 0, rebuild.Out + rebuild.Error);
        var rebuilt = FaultInjectionTests.LoadState(Path.Combine(late, "rebuilt"));
        AssertSameState(expected.Where(e => e.Key.StartsWith("Loyalty/", StringComparison.Ordinal)).ToDictionary(), rebuilt, "rebuilt");
        Assert.Matches(@"re-published (\d+) outputs, \1 of them with ids already in the archive", rebuild.Out);

        // A lost capture file: the bootstrap stops with the missing range instead of skipping it.
        var files = Directory.GetFiles(Path.Combine(late, "capture"), "*.avro", SearchOption.AllDirectories)
            .Where(f => f.Replace('\\', '/').Contains("/sales-orders/0/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 2, "retention and the closing window write two files per partition");
        File.Delete(files[0]);
        var gap = await CliRunner.RunAsync("rebuild", "Loyalty", "--dir", late);
        Assert.Equal(4, gap.Exit);
        Assert.Matches(@"Hub 'sales-orders' partition 0: events 0\.\.\d+ are neither in the capture archive nor in the live log", gap.Error);
    }

    /// <summary>Every entity of <paramref name="expected"/> (business columns, see FaultInjectionTests.LoadState) and no other is in <paramref name="actual"/>.</summary>
    internal static void AssertSameState(Dictionary<string, JsonObject> expected, Dictionary<string, JsonObject> actual, string run)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, entity) in expected)
        {
            Assert.True(JsonNode.DeepEquals(entity, actual[key]), $"{run}: {key} differs:\n expected {entity.ToJsonString()}\n actual   {actual[key].ToJsonString()}");
        }
    }

    /// <summary>Runs the replay command line in-process into <paramref name="output"/> (extra arguments such as --retain); fails on a non-zero exit or a failed invocation.</summary>
    internal static async Task<(string Dir, string Out)> ReplayAsync(string input, string output, FaultOptions faults, int seed, params string[] extra)
    {
        var name = Path.GetFileName(output);
        string[] args = ["replay", "--input", input, "--out", output, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra];
        if (faults != FaultOptions.None)
        {
            args = [.. args, "--faults", $"crash={faults.Crash.ToString(System.Globalization.CultureInfo.InvariantCulture)},duplicate={faults.Duplicate.ToString(System.Globalization.CultureInfo.InvariantCulture)}"];
        }

        var (exit, stdout, stderr) = await CliRunner.RunAsync(args);
        Assert.True(exit == 0, $"{name}: exit {exit}\n{stderr}");
        Assert.DoesNotContain("FAILED", stderr, StringComparison.Ordinal);
        return (output, stdout);
    }
}
