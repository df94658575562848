using Microsoft.Playwright;
using Store.LocalHost.Demo;

namespace Store.LocalHost.Tests.Explorer;

/// <summary>
/// The explorer in a real browser (Debian's chromium driven by Playwright): an order placed through the page reaches the
/// Tracking view, a late consumer group's lag returns to 0 on the live page, and a dead letter is redelivered from it.
/// Ends with the demo scenario and a screenshot (UPDATE_EXPLORER_SCREENSHOT=1 writes it to functions/LocalHost/explorer.png).
/// </summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class ExplorerBrowserTests
{
    private const float Timeout = 90_000;

    [Fact]
    public async Task OrderFromThePage_ReachesTracking_LateConsumerCatchesUpLive_AndADeadLetterIsRedeliveredFromThePage()
    {
        var ct = CancellationToken.None;
        var chromium = await Chromium.EnsureAsync();
        using var traces = new TraceRecorder();
        await using var azurite = await FreshAzurite.StartAsync(ct);
        await using var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(azurite.ConnectionString) { RetryDelayScale = 0.01, TimerTimeScale = 0.05, Error = TextWriter.Null }, ct);
        host.StartTimers();
        host.StartConsumers(c => c != "Loyalty");
        var port = Shutdown.LocalHostProcess.FreePort();
        var baseUrl = $"http://localhost:{port}";
        await using var kestrel = await KestrelFrontEnd.StartAsync(host, port, ct, new EventExplorer(host, traces));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1100 } });
        await page.GotoAsync(baseUrl + "/");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('(live')", null, new() { Timeout = Timeout });

        // Stock, then an order, through the page's forms; the page then polls the Tracking view until it has the order.
        await page.FillAsync("#receipt-form input[name=receiptId]", "R-BROWSER");
        await page.FillAsync("#receipt-form input[name=sku]", "SKU-BROWSER");
        await page.ClickAsync("#receipt-form button");
        await page.WaitForFunctionAsync("() => document.getElementById('sent').textContent.includes('202')", null, new() { Timeout = Timeout });
        await host.WaitForQuiescenceAsync(TimeSpan.FromSeconds(60), ct);
        var orderId = $"O-BROWSER-{Guid.NewGuid():N}"[..20];
        await page.FillAsync("#order-form input[name=orderId]", orderId);
        await page.FillAsync("#order-form input[name=sku]", "SKU-BROWSER");
        await page.ClickAsync("#order-form button");
        await page.WaitForFunctionAsync("() => document.getElementById('tracking').textContent.startsWith('200')", null, new() { Timeout = Timeout });
        Assert.Contains(orderId, await page.TextContentAsync("#tracking"), StringComparison.Ordinal);

        // Loyalty has not started: the page shows its lag on sales-orders; once it starts, the live page shows it reach 0.
        const string LoyaltyLag = "document.querySelector('tr[data-function=\"Loyalty_OnSalesOrders\"] td.lag')";
        await page.WaitForFunctionAsync($"() => Number({LoyaltyLag}?.textContent) > 0", null, new() { Timeout = Timeout });
        host.StartConsumers(c => c == "Loyalty");
        await page.WaitForFunctionAsync($"() => {LoyaltyLag}?.textContent === '0'", null, new() { Timeout = Timeout });

        // A misbehaving producer's event is dead-lettered; the page's button redelivers it to its consumer, where it fails again under the same id.
        host.Log.Append("sales-orders", new EventToAppend("this is not JSON"u8.ToArray(), "O-BROWSER-BAD"));
        await page.WaitForSelectorAsync("tr[data-dead-letter] button.redeliver", new() { Timeout = Timeout });
        var id = await page.GetAttributeAsync("tr[data-dead-letter] button.redeliver", "data-id");
        await page.ClickAsync("tr[data-dead-letter] button.redeliver");
        await page.WaitForFunctionAsync("() => document.querySelector('tr[data-dead-letter] .outcome')?.textContent === 'dead-lettered again'", null, new() { Timeout = Timeout });
        Assert.Contains(Store.LocalHost.DeadLetters.DeadLetterRedelivery.InLog(host.Log), d => d.Id == id);

        // The demo scenario, then the screenshot the README shows.
        var scenario = new DemoScenario(host, new DemoOptions(port, Serve: true, Seed: 1, Orders: 30), TextWriter.Null, baseUrl, traces);
        await scenario.RunAsync(ct);
        await page.FillAsync("#trace-id", orderId);
        await page.ClickAsync("#trace-button");
        await page.WaitForSelectorAsync("#trace td", new() { Timeout = Timeout });
        var shot = Path.Combine(AppContext.BaseDirectory, "explorer.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        if (Environment.GetEnvironmentVariable("UPDATE_EXPLORER_SCREENSHOT") == "1")
        {
            File.Copy(shot, Path.Combine(Azurite.RepositoryRoot(), "functions", "LocalHost", "explorer.png"), overwrite: true);
        }
    }
}
