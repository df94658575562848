using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.CloudEvents;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Notifications.Functions;
using Store.TestSupport;

namespace Store.Notifications.Tests.Functions;

/// <summary>The Notifications app built with its own DI registration and a recording publisher (it keeps no state).</summary>
public sealed class NotificationsApp : IDisposable
{
    private readonly ServiceProvider _services;

    public NotificationsApp(string? defaultChannel = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StateStorage"] = "UseDevelopmentStorage=true",
            [NotificationsRegistration.DefaultChannelSetting] = defaultChannel,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(Publisher);
        services.AddNotificationsContext(configuration);
        _services = services.BuildServiceProvider();
        Codec = _services.GetRequiredService<CloudEventCodec>();
        Functions = _services.GetRequiredService<NotificationsFunctions>();
    }

    public RecordingPublisher Publisher { get; } = new();

    public CloudEventCodec Codec { get; }

    public NotificationsFunctions Functions { get; }

    public byte[] Event<T>(string type, string id, string subject, T data) => EventBatches.CloudEvent(Codec, type, id, subject, data, Samples.Time);

    public Task<BatchOutcome> Deliver(string hub, params EventData[] events)
    {
        var context = EventBatches.FunctionContextFor("1");
        return hub switch
        {
            "fulfillment-shipments" => Functions.OnFulfillmentShipments(events, context, CancellationToken.None),
            "inventory-stock" => Functions.OnInventoryStock(events, context, CancellationToken.None),
            "payments" => Functions.OnPayments(events, context, CancellationToken.None),
            "loyalty-tiers" => Functions.OnLoyaltyTiers(events, context, CancellationToken.None),
            _ => throw new ArgumentOutOfRangeException(nameof(hub), hub, null),
        };
    }

    public void Dispose() => _services.Dispose();
}
