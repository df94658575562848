namespace Store.LocalHost.Tests.Hosting;

public sealed class DeliveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static void AppendOrders(LocalFunctionsHost host, int count, int keys = 5) =>
        host.Log.Append("sales-orders", Enumerable.Range(0, count).Select(i => new EventToAppend(Encoding.UTF8.GetBytes($"e{i}"), $"k{i % keys}")));

    [Fact]
    public async Task Pump_DeliversBatchesOfAtMostMaxSize_InPartitionOrder_WithPartitionContext_AndCheckpointsAtTheEnd()
    {
        var recorder = new ProbeRecorder();
        await using var host = await LocalFunctionsHost.StartAsync(ProbeApps.Options(TextWriter.Null, maxBatch: 3, contexts: ProbeApps.Probe(recorder)), CancellationToken.None);
        AppendOrders(host, 40);

        host.StartConsumers();
        await host.WaitForQuiescenceAsync(Timeout, CancellationToken.None);

        var batches = recorder.Of("Probe_OnSalesOrders");
        Assert.All(batches, b => Assert.InRange(b.Sequences.Count, 1, 3));
        foreach (var partition in host.Log.PartitionIds("sales-orders"))
        {
            var delivered = batches.Where(b => b.PartitionId == partition).SelectMany(b => b.Sequences).ToList();
            Assert.Equal(Enumerable.Range(0, (int)host.Log.EndOf("sales-orders", partition)).Select(i => (long)i), delivered);
            Assert.Equal(host.Log.EndOf("sales-orders", partition), host.Log.Checkpoint("sales-orders", "probe", partition));
        }

        var first = batches[0];
        using var context = JsonDocument.Parse(first.PartitionContext);
        Assert.Equal(first.PartitionId, context.RootElement.GetProperty("PartitionId").GetString());
        Assert.Equal("sales-orders", context.RootElement.GetProperty("EventHubName").GetString());
        Assert.Equal("probe", context.RootElement.GetProperty("ConsumerGroup").GetString());
        Assert.Equal(40, host.StatsOf("Probe").Processed);
        Assert.Equal(batches.Count, batches.Select(b => b.InvocationId).Distinct().Count());
    }

    [Fact]
    public async Task FailingBatch_IsRetriedByItsPolicy_ThenCheckpointedAnyway_AndReportedAsFailed()
    {
        var recorder = new ProbeRecorder();
        var error = new StringWriter();
        await using var host = await LocalFunctionsHost.StartAsync(ProbeApps.Options(error, maxBatch: 1, contexts: ProbeApps.Probe(recorder)), CancellationToken.None);
        var failing = host.Log.Append("sales-orders", new EventToAppend("fail"u8.ToArray(), "k-fail"));
        host.Log.Append("sales-orders", new EventToAppend("after"u8.ToArray(), "k-fail"));

        host.StartConsumers();
        await host.WaitForQuiescenceAsync(Timeout, CancellationToken.None);

        var attempts = recorder.Of("Probe_OnSalesOrders").Where(b => b.Bodies.SequenceEqual(["fail"])).ToList();
        Assert.Equal([0, 1, 2], attempts.Select(a => a.RetryCount));
        Assert.Contains(recorder.Of("Probe_OnSalesOrders"), b => b.Bodies.SequenceEqual(["after"]));
        Assert.Equal(2, host.StatsOf("Probe").Retried);
        Assert.Equal(1, host.StatsOf("Probe").Failed);
        Assert.Equal(2, host.Log.Checkpoint("sales-orders", "probe", failing.PartitionId));
        Assert.Contains("FAILED: Probe_OnSalesOrders", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5, 0.0, 3)]
    [InlineData(0.0, 0.5, 4)]
    [InlineData(0.3, 0.3, 5)]
    public async Task InjectedFaults_RedeliverBatches_ButEveryEventArrivesInPartitionOrder(double crash, double duplicate, int seed)
    {
        var recorder = new ProbeRecorder();
        await using var host = await LocalFunctionsHost.StartAsync(
            ProbeApps.Options(TextWriter.Null, maxBatch: 2, faults: new FaultOptions(crash, duplicate), seed: seed, contexts: ProbeApps.Probe(recorder)), CancellationToken.None);
        AppendOrders(host, 30);

        host.StartConsumers();
        await host.WaitForQuiescenceAsync(Timeout, CancellationToken.None);

        var batches = recorder.Of("Probe_OnSalesOrders");
        var stats = host.StatsOf("Probe");
        Assert.True(stats.InjectedCrashes + stats.InjectedDuplicates > 0);
        Assert.True(batches.Sum(b => b.Sequences.Count) > 30);
        foreach (var partition in host.Log.PartitionIds("sales-orders"))
        {
            var delivered = batches.Where(b => b.PartitionId == partition).ToList();
            var end = host.Log.EndOf("sales-orders", partition);
            Assert.Equal(Enumerable.Range(0, (int)end).Select(i => (long)i), delivered.SelectMany(b => b.Sequences).Distinct().Order());

            // Each batch continues where the last checkpoint left off: it repeats the previous batch or follows it.
            for (var i = 1; i < delivered.Count; i++)
            {
                var start = delivered[i].Sequences[0];
                Assert.True(start == delivered[i - 1].Sequences[0] || start == delivered[i - 1].Sequences[^1] + 1, $"partition {partition}: batch {i} starts at {start}");
            }

            Assert.Equal(end, host.Log.Checkpoint("sales-orders", "probe", partition));
        }
    }

    [Fact]
    public async Task ConsumerGroupStartedLate_CatchesUpFromTheStart_WithoutDisturbingTheOtherGroup()
    {
        var recorder = new ProbeRecorder();
        await using var host = await LocalFunctionsHost.StartAsync(
            ProbeApps.Options(TextWriter.Null, maxBatch: 10, contexts: [ProbeApps.Probe(recorder), ProbeApps.LateProbe(recorder)]), CancellationToken.None);
        host.StartConsumers(c => c == "Probe");
        AppendOrders(host, 25);
        await host.WaitForQuiescenceAsync(Timeout, CancellationToken.None);
        Assert.Empty(recorder.Of("LateProbe_OnSalesOrders"));

        host.StartConsumers(c => c == "LateProbe");
        await host.WaitForQuiescenceAsync(Timeout, CancellationToken.None);

        Assert.Equal(25, recorder.Of("LateProbe_OnSalesOrders").Sum(b => b.Sequences.Count));
        Assert.Equal(25, recorder.Of("Probe_OnSalesOrders").Sum(b => b.Sequences.Count));
        foreach (var partition in host.Log.PartitionIds("sales-orders"))
        {
            Assert.Equal(host.Log.Checkpoint("sales-orders", "probe", partition) ?? 0, host.Log.Checkpoint("sales-orders", "late-probe", partition) ?? 0);
        }
    }

    [Fact]
    public async Task HttpFunctions_AreServedUnderApiWithRouteValuesBoundByName_InProcessAndOverKestrel()
    {
        var recorder = new ProbeRecorder();
        await using var host = await LocalFunctionsHost.StartAsync(ProbeApps.Options(TextWriter.Null, contexts: ProbeApps.Probe(recorder)), CancellationToken.None);

        var ok = await host.Http.SendJsonAsync("GET", "/api/probe/alice/echo", null, CancellationToken.None);
        var missing = await host.Http.SendJsonAsync("GET", "/api/nothing-here", null, CancellationToken.None);
        var wrongMethod = await host.Http.SendJsonAsync("POST", "/api/probe/alice/echo", "{}", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("hello alice via GET /api/probe/alice/echo", ok.Text);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);

        var port = FreePort();
        await using var kestrel = await Store.LocalHost.Http.KestrelFrontEnd.StartAsync(host, port, CancellationToken.None);
        using var client = new HttpClient();
        var overHttp = await client.GetStringAsync(new Uri($"http://localhost:{port}/api/probe/bob/echo"));
        Assert.Equal("hello bob via GET /api/probe/bob/echo", overHttp);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
