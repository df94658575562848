namespace Store.LocalHost.Tests.Shutdown;

/// <summary>The real local host process, stopped the way process managers, containers, CI and a terminal stop it.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan StartUp = TimeSpan.FromMinutes(4);

    /// <summary>The host on <paramref name="port"/> with two orders and an Azurite of its own, after any <paramref name="leading"/> arguments.</summary>
    private static LocalHostProcess StartWithFreshAzurite(int port, params string[] leading) =>
        LocalHostProcess.Start([.. leading, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--orders", "2", "--fresh-azurite"]);

    /// <summary>Waits until the host's output shows <paramref name="ready"/>; returns the pid of the Azurite it started.</summary>
    private static async Task<int> WaitUntilAsync(LocalHostProcess host, string ready)
    {
        await host.WaitForAsync(ready, StartUp);
        return host.AzuritePid();
    }

    private static async Task AssertExitsZero_AndStopsItsAzurite(LocalHostProcess host, int azurite)
    {
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)) is 0, "exit code 0 expected; output:\n" + host.Output);
        Assert.True(await LocalHostProcess.IsGoneAsync(azurite, TimeSpan.FromSeconds(5)), $"Azurite (pid {azurite}) still runs");
    }

    [Fact]
    public async Task Serving_SIGTERM_StopsKestrelAndAzurite_AndExitsZero()
    {
        var port = LocalHostProcess.FreePort();
        using var host = StartWithFreshAzurite(port, "--serve");
        var azurite = await WaitUntilAsync(host, "Serving http://localhost:");
        Assert.True(LocalHostProcess.IsListening(port));

        host.Signal("TERM");

        await AssertExitsZero_AndStopsItsAzurite(host, azurite);
        Assert.False(LocalHostProcess.IsListening(port));
    }

    [Fact]
    public async Task SIGINT_WhileBatchesAreInFlight_StopsGracefully_AndExitsZero()
    {
        using var host = StartWithFreshAzurite(LocalHostProcess.FreePort());
        var azurite = await WaitUntilAsync(host, "Scenario (seed");

        host.Signal("INT");

        await AssertExitsZero_AndStopsItsAzurite(host, azurite);
        Assert.DoesNotContain("!!!", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledHost_NeverLeavesItsAzuriteRunning()
    {
        using var host = StartWithFreshAzurite(LocalHostProcess.FreePort());
        var azurite = await WaitUntilAsync(host, "started Azurite (pid");

        host.Signal("KILL");

        Assert.NotNull(await host.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await LocalHostProcess.IsGoneAsync(azurite, TimeSpan.FromSeconds(10)), $"Azurite (pid {azurite}) outlived its killed parent");
    }
}
