using Microsoft.Playwright;
using Store.LocalHost.Demo;

namespace Store.LocalHost.Tests.Explorer;

/// <summary>
/// One local host, after the demo scenario, serving the explorer to Debian's chromium (driven by Playwright) for every
/// browser test of the class; axe-core (npm) is loaded for the accessibility scans.
/// </summary>
public sealed class ExplorerBrowserFixture : IAsyncLifetime
{
    private TraceRecorder? _traces;
    private FreshAzurite? _azurite;
    private Microsoft.AspNetCore.Builder.WebApplication? _kestrel;
    private IPlaywright? _playwright;

    public LocalFunctionsHost Host { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public string AxeScript { get; } = Path.Combine(Azurite.RepositoryRoot(), "node_modules", "axe-core", "axe.min.js");

    /// <summary>An order of the demo that shipped: its trace spans every context on the way.</summary>
    public string ShippedOrderId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var ct = CancellationToken.None;
        var browser = StartBrowserAsync();
        await NodePackages.EnsureAsync("node_modules/axe-core/axe.min.js");
        _azurite = await FreshAzurite.StartAsync(ct);
        Host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(_azurite.ConnectionString) { RetryDelayScale = 0.01, TimerTimeScale = 0.05, Error = TextWriter.Null }, ct);
        var traces = _traces = new TraceRecorder(Host.InstanceId);
        Host.StartTimers();
        var port = Shutdown.LocalHostProcess.FreePort();
        BaseUrl = $"http://localhost:{port}";
        _kestrel = await KestrelFrontEnd.StartAsync(Host, port, ct, new EventExplorer(Host, traces));
        await new DemoScenario(Host, new DemoOptions(port, Serve: true, Seed: 1, Orders: 12), TextWriter.Null, BaseUrl, traces).RunAsync(ct);
        await Host.WaitForQuiescenceAsync(TimeSpan.FromSeconds(60), ct);
        ShippedOrderId = traces.Spans.First(s => s.EventType == "fulfillment.shipment-requested.v1" && s.Subject is not null).Subject!;
        Browser = await browser;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_kestrel is not null)
        {
            await _kestrel.DisposeAsync();
        }

        await Host.DisposeAsync();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _traces?.Dispose();
    }

    /// <summary>A new page at 1,366 × 800 (a laptop screen) in the given colour scheme, opened at <paramref name="hash"/>.</summary>
    public async Task<IPage> OpenAsync(string hash, ColorScheme scheme = ColorScheme.Light)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 800 }, ColorScheme = scheme });
        await page.GotoAsync(BaseUrl + "/" + hash);
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('(live')", null, new() { Timeout = ExplorerBrowserTests.Timeout });
        return page;
    }

    private async Task<IBrowser> StartBrowserAsync()
    {
        var chromium = await Chromium.EnsureAsync();
        _playwright = await Playwright.CreateAsync();
        return await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }
}

/// <summary>
/// The explorer in a real browser: every view renders the demo's data, fits 1,366 px and passes axe-core with no serious or
/// critical violation in the light and dark themes; a posted order shows in the events-per-second chart and as a waterfall;
/// a paused consumer's lag line rises and falls once resumed, with no layout shift while it streams; redelivering a group
/// of dead letters empties it. With UPDATE_EXPLORER_SCREENSHOT=1 each view's screenshot is written to
/// functions/LocalHost/explorer-&lt;view&gt;.png.
/// </summary>
public sealed class ExplorerBrowserTests(ExplorerBrowserFixture explorer) : IClassFixture<ExplorerBrowserFixture>
{
    internal const float Timeout = 30_000;

    [Fact]
    public async Task EachView_RendersTheDemosData_FitsALaptop_IsKeyboardReachable_AndHasNoSeriousAxeViolations()
    {
        var page = await explorer.OpenAsync("#/topology?node=Inventory");
        var views = new (string Name, string Hash, string Ready)[]
        {
            ("topology", "#/topology?node=Inventory",
                "document.querySelectorAll('#topology .lag').length >= 15 && document.querySelector('#rate-chart path.series') && document.querySelector('#node-detail table')"),
            ("streams", "#/streams?hub=sales-orders", "document.querySelectorAll('#events tr[data-event]').length > 5 && document.getElementById('page-info').textContent.includes('of')"),
            ("consumers", "#/consumers", "document.querySelectorAll('#consumers tr[data-function]').length > 10 && document.querySelector('#lag-chart path.series')"),
            ("deadletters", "#/deadletters", "document.querySelector('#dl-groups tr[data-group]') && document.querySelector('#dl-list tr[data-dead-letter]') && document.querySelector('#dead-chart path.series')"),
            ("orders", "#/orders?id=" + Uri.EscapeDataString(explorer.ShippedOrderId), "document.querySelectorAll('#waterfall .span').length > 4 && document.getElementById('o-status') && document.querySelector('#o-events td')"),
            ("send", "#/send", "document.querySelector('#order-form input[name=customerId]')"),
        };

        var violations = new List<string>();
        foreach (var (name, hash, ready) in views)
        {
            await page.EvaluateAsync($"() => location.hash = '{hash}'");
            try
            {
                await page.WaitForFunctionAsync($"() => !!({ready})", null, new() { Timeout = Timeout });
            }
            catch (TimeoutException ex)
            {
                var shot = Path.Combine(AppContext.BaseDirectory, $"explorer-{name}-timeout.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
                throw new TimeoutException($"The {name} view did not render its data ({ready}); screenshot: {shot}", ex);
            }

            if (name == "streams")
            {
                // The detail pane: attributes, pretty data and the schema with its link; the URL keeps the selection across a reload.
                await page.ClickAsync("#events a.open-event");
                await page.WaitForFunctionAsync("() => document.querySelectorAll('#event-detail pre').length === 2", null, new() { Timeout = Timeout });
                Assert.Contains("sel=", page.Url, StringComparison.Ordinal);
                await page.ReloadAsync();
                await page.WaitForFunctionAsync("() => document.querySelectorAll('#event-detail pre').length === 2 && document.querySelector('#events tr.selected')", null, new() { Timeout = Timeout });
                Assert.StartsWith("/explorer/api/schemas/sales/", await page.GetAttributeAsync("#event-detail a[href*='schemas']", "href"), StringComparison.Ordinal);
            }

            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{name}: horizontal scrolling at 1,366 px");
            violations.AddRange((await AxeAsync(page, colorContrastOnly: false)).Select(v => $"{name} (light): {v}"));
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            violations.AddRange((await AxeAsync(page, colorContrastOnly: true)).Select(v => $"{name} (dark): {v}"));
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
            if (name != "send" && Environment.GetEnvironmentVariable("UPDATE_EXPLORER_SCREENSHOT") == "1")
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Azurite.RepositoryRoot(), "functions", "LocalHost", $"explorer-{name}.png"), FullPage = true });
            }
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));

        // Keyboard: the navigation is the first thing Tab reaches, and Enter opens a view.
        await page.EvaluateAsync("() => { location.hash = '#/topology'; document.activeElement?.blur(); }");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Streams", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => !document.getElementById('view-streams').hidden", null, new() { Timeout = Timeout });
    }

    [Fact]
    public void TheDemosOrders_AreSentAsV2_AndEachShipmentCarriesTheAddressItsOrderGave()
    {
        static List<JsonObject> Events(LocalFunctionsHost host, string hub, string type) =>
            [.. host.Log.ReadAll(hub).Select(e => EventQuery.ParseObject(e.Body)).OfType<JsonObject>().Where(b => (string?)b["type"] == type)];

        var placed = Events(explorer.Host, "sales-orders", "sales.order-placed.v2").ToDictionary(b => (string)b["subject"]!, b => b["data"]!["shippingAddress"]);
        Assert.Empty(Events(explorer.Host, "sales-orders", "sales.order-placed.v1"));
        var shipments = Events(explorer.Host, "fulfillment-shipments", "fulfillment.shipment-requested.v1");
        Assert.NotEmpty(shipments);
        foreach (var shipment in shipments)
        {
            var orderId = (string)shipment["data"]!["orderId"]!;
            Assert.True(JsonNode.DeepEquals(placed[orderId], shipment["data"]!["shippingAddress"]), $"shipment of {orderId}: {shipment["data"]!["shippingAddress"]?.ToJsonString()} instead of {placed[orderId]?.ToJsonString()}");
        }

        // The demo gives most orders an address and leaves some to the address on file: both kinds ship.
        Assert.Contains(shipments, s => s["data"]!["shippingAddress"] is JsonObject);
        Assert.Contains(shipments, s => s["data"]!["shippingAddress"] is null);
    }

    [Fact]
    public async Task PostedOrder_ShowsInTheEventsPerSecondChart_AndAsAWaterfallNextToItsTrackingStatus()
    {
        var page = await explorer.OpenAsync("#/send");
        var orderId = $"O-BROWSER-{Guid.NewGuid():N}"[..20];
        var before = await page.EvaluateAsync<double>("() => Date.now()");
        await page.FillAsync("#order-form input[name=orderId]", orderId);
        await page.ClickAsync("#order-form button");
        await page.WaitForFunctionAsync("() => document.getElementById('sent').textContent.includes('-> 202')", null, new() { Timeout = Timeout });

        // Its trace fills in live: Sales' ingress, then every context that handled its events; Tracking shows the status.
        await page.ClickAsync("#sent-order");
        await page.WaitForFunctionAsync(
            "() => ['Sales', 'Inventory', 'Payments', 'Tracking'].every(c => document.querySelector(`#waterfall .span[data-context=\"${c}\"]`)) && document.getElementById('o-status')",
            null, new() { Timeout = Timeout });
        Assert.Contains(orderId, page.Url, StringComparison.Ordinal);
        Assert.Contains("sales.order-placed.v2", await page.TextContentAsync("#o-events"), StringComparison.Ordinal);

        await page.EvaluateAsync("() => location.hash = '#/topology'");
        await page.WaitForFunctionAsync($"() => Number(document.querySelector('#rate-chart path[data-series=\"sales-orders\"]')?.dataset.lastActive) >= {before}", null, new() { Timeout = Timeout });
    }

    [Fact]
    public async Task PausedConsumer_ItsLagLineRises_ThenFallsOnceResumed_WithoutLayoutShift()
    {
        const string Line = "document.querySelector('#lag-chart path[data-series=\"sales-orders/payments\"]')";
        const string Button = "tr[data-function=Payments_OnSalesOrders] button.pause";
        var page = await explorer.OpenAsync("#/consumers");
        await page.WaitForSelectorAsync(Button, new() { Timeout = Timeout });
        await page.ClickAsync(Button);
        await page.WaitForFunctionAsync($"() => document.querySelector('{Button}').textContent === 'Resume'", null, new() { Timeout = Timeout });

        // From here the page only streams (no input): nothing on it may move (cumulative layout shift stays 0).
        await page.EvaluateAsync("() => { window.shift = 0; new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput) window.shift += e.value; })).observe({ type: 'layout-shift' }); }");
        using var client = new HttpClient { BaseAddress = new Uri(explorer.BaseUrl) };
        for (var lag = 1; lag <= 2; lag++)
        {
            var order = $$"""{"orderId":"O-STALL-{{lag}}-{{Guid.NewGuid():N}}","customerId":"C-1","lines":[{"sku":"SKU-001","quantity":1,"unitPrice":1}],"currency":"EUR"}""";
            using var response = await client.PostAsync(new Uri("/api/orders", UriKind.Relative), new StringContent(order, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await page.WaitForFunctionAsync($"() => Number({Line}?.dataset.last) >= {lag}", null, new() { Timeout = Timeout });
        }

        Assert.Equal("2", await page.TextContentAsync("tr[data-function=Payments_OnSalesOrders] td.lag"));
        Assert.Equal(0, await page.EvaluateAsync<double>("() => window.shift"));
        await page.ClickAsync(Button);
        await page.WaitForFunctionAsync($"() => {Line}?.dataset.last === '0' && Number({Line}.dataset.max) >= 2", null, new() { Timeout = Timeout });
    }

    [Fact]
    public async Task RedeliveringAGroupOfDeadLetters_EmptiesIt_AndShowsWhatHappenedAfter()
    {
        var orders = explorer.Host.Log.ReadAll("sales-orders")
            .Where(e => EventQuery.ParseObject(e.Body)?["type"]?.GetValue<string>() == "sales.order-placed.v2")
            .Select(e => e.PartitionKey!).Take(2).ToArray();
        var group = $"tr[data-group=\"{FixedBugDeadLetters.Consumer}|{FixedBugDeadLetters.Kind}\"]";
        var page = await explorer.OpenAsync("#/deadletters");
        FixedBugDeadLetters.Write(explorer.Host, orders);
        await page.WaitForFunctionAsync($"() => document.querySelector('{group} td.num')?.textContent === '2'", null, new() { Timeout = Timeout });

        await page.ClickAsync($"{group} button.redeliver-group");
        await page.WaitForFunctionAsync($"() => !document.querySelector('{group}') && document.getElementById('dl-notice').textContent.includes('2 processed')", null, new() { Timeout = Timeout });
        Assert.Equal("processed", await page.TextContentAsync("#dl-log tbody tr:first-child td:nth-child(2)"));
    }

    /// <summary>axe-core's serious and critical violations of the page as it is ("rule: targets").</summary>
    private async Task<IReadOnlyList<string>> AxeAsync(IPage page, bool colorContrastOnly)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof axe !== 'undefined'"))
        {
            await page.AddScriptTagAsync(new() { Path = explorer.AxeScript });
        }

        var options = colorContrastOnly ? "{ runOnly: ['color-contrast'] }" : "{}";
        return await page.EvaluateAsync<string[]>($$"""
            async () => (await axe.run(document, {{options}})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)
            """);
    }
}
