namespace Store.LocalHost.Tests.Hosting;

/// <summary>
/// Outages of Table storage and Event Hubs against every real context: nothing is lost, however long they last, and an
/// outbox that no invocation will publish again is published by the outbox relay.
/// </summary>
public sealed class OutageTests
{
    // The retry policy every trigger had before: 5 retries, then the host checkpointed past the batch.
    private const int OldRetryWindow = 5;

    private static LocalHostOptions Options(string storage, StringWriter errors) => new(storage)
    {
        RetryDelayScale = 0.0005,
        TimerTimeScale = 0.001,
        LogRetries = false,
        ContextLogLevel = Microsoft.Extensions.Logging.LogLevel.Critical,
        Error = TextWriter.Synchronized(errors),
    };

    private static EventToAppend Event(string type, string subject, string data, int n) => new(Encoding.UTF8.GetBytes(
        $$"""{"specversion":"1.0","id":"outage-{{n}}","source":"/tests/outage","type":"{{type}}","subject":"{{subject}}","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","data":{{data}}}"""), subject);

    [Fact]
    public async Task TableOutageLongerThanTheOldRetryWindow_DelaysThePartition_ButLosesNoEvent()
    {
        await using var azurite = await FreshAzurite.StartAsync(CancellationToken.None);
        var errors = new StringWriter();
        await using var host = await LocalFunctionsHost.StartAsync(Options(azurite.ConnectionString, errors), CancellationToken.None);
        host.Log.Append("inventory-stock", Event("inventory.stock-received.v1", "SKU-1", """{"receiptId":"R-1","sku":"SKU-1","quantity":100}""", 0));
        await host.DrainAsync(CancellationToken.None);

        var orders = Enumerable.Range(1, 6).Select(i => $"O-{i}").ToList();
        host.Log.Append("sales-orders", orders.Select((id, i) => Event("sales.order-placed.v1", id,
            $$"""{"orderId":"{{id}}","customerId":"C-1","lines":[{"sku":"SKU-1","quantity":2,"unitPrice":10}],"total":20,"currency":"EUR"}""", i + 1)));

        // Storage goes down before the orders are processed and stays down for more attempts than the old policy allowed.
        host.Injector.TableOutage = true;
        var drain = host.DrainAsync(CancellationToken.None);
        var retriedBefore = host.Stats.Sum(s => s.Retried);
        while (host.Stats.Sum(s => s.Retried) - retriedBefore < 3 * OldRetryWindow && !drain.IsCompleted)
        {
            await Task.Delay(5);
        }

        Assert.False(drain.IsCompleted, "the consumers moved on while storage was down");
        host.Injector.TableOutage = false;
        await drain;
        await OutboxSettling.SettleAsync(host, host.DrainAsync, untilIndexEmpty: false, TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.All(host.Stats, s => Assert.Equal(0, s.Failed));
        Assert.True(host.Stats.Sum(s => s.InjectedTableFailures) > OldRetryWindow);

        // Every order was decided by Inventory and is in Tracking's view.
        var decided = host.Log.ReadAll("inventory-stock").Select(e => Encoding.UTF8.GetString(e.Body)).ToList();
        foreach (var id in orders)
        {
            Assert.Contains(decided, body => body.Contains("inventory.stock-reserved.v1", StringComparison.Ordinal) && body.Contains($"\"orderId\":\"{id}\"", StringComparison.Ordinal));
            var view = await host.Http.SendJsonAsync("GET", $"/api/orders/{id}", null, CancellationToken.None);
            Assert.True(view.StatusCode == HttpStatusCode.OK, $"{id}: {(int)view.StatusCode} {view.Text}\n{errors}");
        }

        var census = await OutboxCensus.CountAsync(azurite.ConnectionString, host.Apps.Select(a => a.Name), CancellationToken.None);
        Assert.Equal(0, census.Sum(c => c.PendingRows));
    }

    [Fact]
    public async Task AcceptedOrderWhosePublishFailed_WithNoClientRetry_IsPublishedByTheRelay_AndReachesTracking()
    {
        await using var azurite = await FreshAzurite.StartAsync(CancellationToken.None);
        var errors = new StringWriter();
        await using var host = await LocalFunctionsHost.StartAsync(Options(azurite.ConnectionString, errors), CancellationToken.None);

        // Event Hubs is down while the order is placed: the order is committed with its event in the outbox, the client gets 503.
        host.Injector.PublishOutage = true;
        var answer = await host.Http.SendJsonAsync("POST", "/api/orders",
            """{"orderId":"O-RELAY","customerId":"C-1","lines":[{"sku":"SKU-1","quantity":1,"unitPrice":5}],"currency":"EUR"}""", CancellationToken.None);
        host.Injector.PublishOutage = false;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Contains(answer.Headers, h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(host.Log.ReadAll("sales-orders"), e => e.PartitionKey == "O-RELAY");

        // The client never retries. Nothing else touches the order; the relay's timer does.
        Assert.Contains(host.Timers.Functions, f => f.Name == "Sales_RelayOutbox");
        await OutboxSettling.SettleAsync(host, host.DrainAsync, untilIndexEmpty: true, TimeSpan.FromSeconds(60), CancellationToken.None);

        var placed = host.Log.ReadAll("sales-orders").Where(e => e.PartitionKey == "O-RELAY").ToList();
        Assert.Single(placed);
        Assert.Contains("sales.order-placed.v2", Encoding.UTF8.GetString(placed[0].Body), StringComparison.Ordinal);
        Assert.Equal(1, host.StatsOf("Sales").RelayPublished);
        var view = await host.Http.SendJsonAsync("GET", "/api/orders/O-RELAY", null, CancellationToken.None);
        Assert.True(view.StatusCode == HttpStatusCode.OK, $"{(int)view.StatusCode} {view.Text}\n{errors}");

        var census = await OutboxCensus.CountAsync(azurite.ConnectionString, host.Apps.Select(a => a.Name), CancellationToken.None);
        Assert.True(census.All(c => c.IsClear), string.Join(", ", census));

        // The client's retry, had it come, is answered as a repeat and publishes nothing new.
        var repeat = await host.Http.SendJsonAsync("POST", "/api/orders",
            """{"orderId":"O-RELAY","customerId":"C-1","lines":[{"sku":"SKU-1","quantity":1,"unitPrice":5}],"currency":"EUR"}""", CancellationToken.None);
        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        Assert.Single(host.Log.ReadAll("sales-orders"), e => e.PartitionKey == "O-RELAY");
    }

    [Fact]
    public void EveryEventHubsTrigger_RetriesUntilSuccess()
    {
        var triggers = ContextRegistration.All
            .SelectMany(c => FunctionDiscovery.Discover(c.Name, c.Assembly))
            .Where(f => f.EventHub is not null)
            .ToList();
        Assert.Equal(20, triggers.Count); // one per catalog consumer (DiscoveryTests checks which)
        Assert.All(triggers, f => Assert.True(f.RetriesIndefinitely, $"{f.Name}: {f.Retry}"));
        Assert.All(triggers, f => Assert.Equal(new RetryPolicy(DeliveryRetry.MaxRetryCount, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), Exponential: true), f.Retry));
    }
}
