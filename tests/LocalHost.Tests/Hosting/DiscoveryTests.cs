namespace Store.LocalHost.Tests.Hosting;

[Collection(AzuriteCollection.Name)]
public sealed class DiscoveryTests(AzuriteFixture azurite)
{
    public static TheoryData<string> Contexts() => [.. ContextRegistration.All.Select(c => c.Name)];

    [Fact]
    public void Probe_TriggerRetryAndHttpAttributes_AreRead()
    {
        var functions = FunctionDiscovery.Discover("Probe", typeof(ProbeFunctions).Assembly, typeFilter: t => t == typeof(ProbeFunctions));

        var trigger = Assert.Single(functions, f => f.EventHub is not null);
        Assert.Equal("Probe_OnSalesOrders", trigger.Name);
        Assert.Equal(("sales-orders", "probe", "SalesEventHubConnection", true), (trigger.EventHub!.Hub, trigger.EventHub.ConsumerGroup, trigger.EventHub.Connection, trigger.EventHub.IsBatched));
        Assert.Equal(new RetryPolicy(2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), Exponential: false), trigger.Retry);
        var http = Assert.Single(functions, f => f.Http is not null);
        Assert.Equal(["GET"], http.Http!.Methods);
        Assert.Equal("probe/{name}/echo", http.Http.Route);
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void EveryContext_HasOneEventHubFunctionPerCatalogConsumer_NamedAndBoundAsTheCatalogSays(string context)
    {
        var catalog = EventCatalog.Current;
        var registration = ContextRegistration.All.Single(c => c.Name == context);
        var triggers = FunctionDiscovery.Discover(context, registration.Assembly).Where(f => f.EventHub is not null).ToList();

        var expected = catalog.HubsConsumedBy(context).Select(c => (c.Hub, c.ConsumerGroup)).Order().ToList();
        Assert.Equal(expected, triggers.Select(t => (t.EventHub!.Hub, t.EventHub.ConsumerGroup)).Order().ToList());
        foreach (var t in triggers)
        {
            Assert.Equal($"{context}_On{Pascal(t.EventHub!.Hub)}", t.Name);
            Assert.Equal(catalog.ConnectionFor(t.EventHub.Hub), t.EventHub.Connection);
            Assert.True(t.EventHub.IsBatched, $"{t.Name} must take EventData[]");
            Assert.NotNull(t.Retry);
        }
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task EveryContext_BuildsItsOwnContainer_AndEveryFunctionClassCanBeCreated(string context)
    {
        var options = new LocalHostOptions(azurite.ConnectionString) { Contexts = [ContextRegistration.All.Single(c => c.Name == context)] };
        await using var host = await LocalFunctionsHost.StartAsync(options, CancellationToken.None);

        var app = host.App(context);
        var publisher = Assert.IsType<FaultInjector.FaultInjectingPublisher>(app.Services.GetService(typeof(Store.Eventing.Publishing.IEventPublisher)));
        Assert.IsType<Store.LocalHost.EventLog.LogPublisher>(publisher.Inner);
        foreach (var type in app.Functions.Select(f => f.Method.DeclaringType!).Distinct())
        {
            using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(app.Services);
            Assert.NotNull(Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }
    }

    private static string Pascal(string hub) =>
        string.Concat(hub.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
