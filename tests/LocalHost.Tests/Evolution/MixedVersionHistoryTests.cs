using Store.LocalHost.Tests.Archive;

namespace Store.LocalHost.Tests.Evolution;

/// <summary>
/// A history that spans the switch to <c>sales.order-placed.v2</c>: the older orders were sent as v1 by the Sales before
/// v2 (<see cref="OlderSales.AsV1"/>), the newer as v2, some with an address. Replayed, and read by late contexts that
/// bootstrap from the capture archive, it must end in the same state and outputs as the same orders all sent as v2 with
/// the upcast's default for the older ones (shippingAddress null: the address on file).
/// </summary>
public sealed class MixedVersionHistoryTests : IDisposable
{
    private const int Orders = 12;
    private const int Older = 6;
    private static readonly Lazy<Task<(string Dir, string Out)>> AllV2 = new(() => ReplayAsync("all-v2", FaultOptions.None, n => n <= Older ? OrderPlacedAs.V2 : Newer(n)));
    private static readonly string Root = CreateRoot();
    private readonly string _dir = Directory.CreateTempSubdirectory("mixed-history-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Replayed_v1_then_v2_orders_end_like_the_same_orders_all_sent_as_v2()
    {
        var (mixed, _) = await ReplayAsync(Path.Combine(_dir, "mixed"), FaultOptions.None, Mixed);
        AssertSameAsAllV2((await AllV2.Value).Dir, mixed);
    }

    [Fact]
    public async Task Late_contexts_bootstrapped_from_an_archive_of_v1_then_v2_orders_end_like_the_same_orders_all_sent_as_v2()
    {
        var (late, output) = await ReplayAsync(Path.Combine(_dir, "late"), FaultOptions.None, Mixed, "--retain", "2", "--start-late", "Loyalty,Tracking");
        Assert.Matches(@"late start: Loyalty, Tracking bootstrapped from the capture archive \(.*sales-orders \d+", output);
        AssertSameAsAllV2((await AllV2.Value).Dir, late);
    }

    private static OrderPlacedAs Mixed(int n) => n <= Older ? OrderPlacedAs.V1 : Newer(n);

    private static OrderPlacedAs Newer(int n) => n % 2 == 0 ? OrderPlacedAs.V2WithAddress : OrderPlacedAs.V2;

    private static void AssertSameAsAllV2(string allV2, string run)
    {
        // The history really is mixed, and the v2 orders' addresses reach their shipments.
        var placed = Events(run, "sales-orders");
        Assert.Equal(Older, placed.Count(e => (string?)e["type"] == OlderSales.V1.Type));
        Assert.Equal(Orders - Older, placed.Count(e => (string?)e["type"] == OlderSales.V2));
        Assert.Contains(Events(run, "fulfillment-shipments"), e => e["data"]?["shippingAddress"] is JsonObject);

        LateStartTests.AssertSameState(FaultInjectionTests.LoadState(allV2), FaultInjectionTests.LoadState(run), Path.GetFileName(run));
        foreach (var hub in EventCatalog.Current.Streams.Select(s => s.Stream.Hub))
        {
            Assert.Equal(FaultInjectionTests.OutputSet(allV2, hub), FaultInjectionTests.OutputSet(run, hub));
        }
    }

    private static List<JsonObject> Events(string run, string hub) =>
        [.. File.ReadLines(Path.Combine(run, "streams", hub + ".jsonl")).Select(l => JsonNode.Parse(l)!["body"] as JsonObject).OfType<JsonObject>()];

    private static Task<(string Dir, string Out)> ReplayAsync(string name, FaultOptions faults, Func<int, OrderPlacedAs> sendAs, params string[] extra)
    {
        var output = Path.IsPathRooted(name) ? name : Path.Combine(Root, name);
        var input = output + ".input.jsonl";
        FaultInjectionTests.GenerateInput(input, seed: 30, Orders, cancels: 2, sendAs);
        return LateStartTests.ReplayAsync(input, output, faults, seed: 3, extra);
    }

    private static string CreateRoot()
    {
        // The all-v2 reference runs once per test process; its folder goes when the process exits.
        var root = Directory.CreateTempSubdirectory("mixed-history-reference-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return root;
    }
}
