using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.CloudEvents;

namespace Store.Notifications.Tests.Functions;

public sealed class NotificationsFunctionsTests
{
    public static TheoryData<string, string, string> Inputs => new()
    {
        { "fulfillment-shipments", CloudEventTypeAttribute.Of<ShipmentRequested>(), "shipment-requested" },
        { "inventory-stock", CloudEventTypeAttribute.Of<StockReservationRejected>(), "stock-reservation-rejected" },
        { "payments", CloudEventTypeAttribute.Of<PaymentDeclined>(), "payment-declined" },
        { "loyalty-tiers", CloudEventTypeAttribute.Of<TierChanged>(), "tier-changed" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task EachCustomerFacingEvent_PublishesOneNotificationRequested_KeyedByCustomer_WithDerivedId(string hub, string type, string template)
    {
        using var app = NotificationsTestApp.Create();
        var input = Input(app, type, "in-1");

        var outcome = await app.Deliver(hub, EventBatches.Received(input, 1));

        Assert.Equal((1, 1, 0), (outcome.Processed, outcome.Emitted, outcome.DeadLettered));
        var published = Assert.Single(app.Publisher.To("notifications-outbox"));
        var decoded = app.Codec.Decode(published.Body).Event!;
        var notification = (NotificationRequested)decoded.Data;
        var expectedId = EventIds.Derive("in-1", NotificationReaction.Role);
        Assert.Equal((expectedId, expectedId, template, "email"), (published.Id, notification.NotificationId, notification.Template, notification.Channel));
        Assert.Equal(notification.CustomerId, published.PartitionKey);
        Assert.Equal(notification.CustomerId, decoded.Subject);
        Assert.Equal(Samples.Time, decoded.Time);
        Assert.Equal("/store/notifications", decoded.Source);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task EveryEmittedNotification_ValidatesAgainstItsSchema(string hub, string type, string template)
    {
        using var app = NotificationsTestApp.Create("push");
        await app.Deliver(hub, EventBatches.Received(Input(app, type, "in-" + template), 1));

        var registration = app.Codec.Registry.For<NotificationRequested>();
        var published = Assert.Single(app.Publisher.To("notifications-outbox"));
        using var doc = JsonDocument.Parse(published.Body);
        Assert.True(registration.Schema.Evaluate(doc.RootElement.GetProperty("data")).IsValid);
        Assert.Equal(registration.SchemaId, doc.RootElement.GetProperty("dataschema").GetString());
        Assert.Equal(template != "tier-changed", doc.RootElement.GetProperty("data").TryGetProperty("orderId", out _));
        Assert.True(app.Codec.Decode(published.Body).IsEvent);
    }

    [Fact]
    public async Task RedeliveredBatch_PublishesByteIdenticalNotifications()
    {
        using var app = NotificationsTestApp.Create();
        var batch = new[] { EventBatches.Received(Input(app, CloudEventTypeAttribute.Of<PaymentDeclined>(), "p-1"), 1), EventBatches.Received(Input(app, CloudEventTypeAttribute.Of<PaymentDeclined>(), "p-2"), 2) };

        await app.Deliver("payments", batch);
        var first = app.Publisher.Published.ToArray();
        app.Publisher.Clear();
        await app.Deliver("payments", batch);

        Assert.Equal(first.Select(e => (e.Id, Convert.ToBase64String(e.Body))), app.Publisher.Published.Select(e => (e.Id, Convert.ToBase64String(e.Body))));
    }

    [Fact]
    public async Task MalformedAndSchemaInvalidEvents_AreDeadLettered_RestOfBatchProcessed()
    {
        using var app = NotificationsTestApp.Create();
        var invalid = Encoding.UTF8.GetBytes(
            """{"specversion":"1.0","id":"bad","source":"/tests","type":"payments.payment-declined.v1","subject":"o","time":"2026-01-01T00:00:00Z","data":{"orderId":"o","customerId":"c","amount":-1,"currency":"EUR"}}""");

        var outcome = await app.Deliver("payments",
            EventBatches.Received(Input(app, CloudEventTypeAttribute.Of<PaymentDeclined>(), "p-1"), 1),
            EventBatches.ReceivedText("}{", 2),
            EventBatches.Received(invalid, 3),
            EventBatches.Received(Input(app, CloudEventTypeAttribute.Of<PaymentDeclined>(), "p-4"), 4));

        Assert.Equal((2, 2), (outcome.Processed, outcome.DeadLettered));
        Assert.Equal(2, app.Publisher.To("notifications-outbox").Count);
        var kinds = app.Publisher.To("dead-letters").Select(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("data").GetProperty("error").GetProperty("kind").GetString()!).Order();
        Assert.Equal(["malformed-json", "schema-violation"], kinds);
    }

    [Fact]
    public async Task OtherEventTypesOnConsumedHubs_AreSkipped()
    {
        using var app = NotificationsTestApp.Create();
        var received = Encoding.UTF8.GetBytes(
            """{"specversion":"1.0","id":"r1","source":"/tests","type":"inventory.stock-received.v1","subject":"SKU-A","time":"2026-01-01T00:00:00Z","data":{"receiptId":"r1","sku":"SKU-A","quantity":3}}""");

        var outcome = await app.Deliver("inventory-stock", EventBatches.Received(received, 1));

        Assert.Equal((0, 1, 0), (outcome.Processed, outcome.Ignored, outcome.DeadLettered));
        Assert.Empty(app.Publisher.Published);
    }

    [Fact]
    public void DefaultChannelSetting_InvalidValue_FailsAtStartup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [NotificationsRegistration.DefaultChannelSetting] = "pigeon" }).Build();

        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddNotificationsContext(configuration));
    }

    [Fact]
    public async Task DefaultChannelSetting_IsUsedForEveryNotification()
    {
        using var app = NotificationsTestApp.Create("SMS");
        await app.Deliver("loyalty-tiers", EventBatches.Received(Input(app, CloudEventTypeAttribute.Of<TierChanged>(), "t-1"), 1));

        var notification = (NotificationRequested)app.Codec.Decode(app.Publisher.Published.Single().Body).Event!.Data;
        Assert.Equal("sms", notification.Channel);
    }

    private static byte[] Input(TestApp app, string type, string id) => type switch
    {
        _ when type == CloudEventTypeAttribute.Of<ShipmentRequested>() => app.Event(type, id, "o-1", Samples.Shipment()),
        _ when type == CloudEventTypeAttribute.Of<StockReservationRejected>() => app.Event(type, id, "o-2", Samples.Rejected()),
        _ when type == CloudEventTypeAttribute.Of<PaymentDeclined>() => app.Event(type, id, "o-3", Samples.Declined()),
        _ when type == CloudEventTypeAttribute.Of<TierChanged>() => app.Event(type, id, "cust-4", Samples.Tier()),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
