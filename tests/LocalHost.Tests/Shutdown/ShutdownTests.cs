namespace Store.LocalHost.Tests.Shutdown;

/// <summary>The real local host process, stopped the way process managers, containers, CI and a terminal stop it.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan StartUp = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Serving_SIGTERM_StopsKestrelAndAzurite_AndExitsZero()
    {
        var port = LocalHostProcess.FreePort();
        using var host = LocalHostProcess.Start("--serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--orders", "2", "--fresh-azurite");
        await host.WaitForAsync("Serving http://localhost:", StartUp);
        var azurite = host.AzuritePid();
        Assert.True(LocalHostProcess.IsListening(port));

        host.Signal("TERM");

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)) is 0, "exit code 0 expected; output:\n" + host.Output);
        Assert.True(await LocalHostProcess.IsGoneAsync(azurite, TimeSpan.FromSeconds(5)), $"Azurite (pid {azurite}) still runs");
        Assert.False(LocalHostProcess.IsListening(port));
    }

    [Fact]
    public async Task SIGINT_WhileBatchesAreInFlight_StopsGracefully_AndExitsZero()
    {
        using var host = LocalHostProcess.Start("--port", LocalHostProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--orders", "2", "--fresh-azurite");
        await host.WaitForAsync("Scenario (seed", StartUp);
        var azurite = host.AzuritePid();

        host.Signal("INT");

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(30)) is 0, "exit code 0 expected; output:\n" + host.Output);
        Assert.True(await LocalHostProcess.IsGoneAsync(azurite, TimeSpan.FromSeconds(5)), $"Azurite (pid {azurite}) still runs");
        Assert.DoesNotContain("!!!", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledHost_NeverLeavesItsAzuriteRunning()
    {
        using var host = LocalHostProcess.Start("--port", LocalHostProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--orders", "2", "--fresh-azurite");
        await host.WaitForAsync("started Azurite (pid", StartUp);
        var azurite = host.AzuritePid();

        host.Signal("KILL");

        Assert.NotNull(await host.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await LocalHostProcess.IsGoneAsync(azurite, TimeSpan.FromSeconds(10)), $"Azurite (pid {azurite}) outlived its killed parent");
    }
}
