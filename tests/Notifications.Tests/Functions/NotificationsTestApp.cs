using Azure.Messaging.EventHubs;
using Store.Eventing.Processing;

namespace Store.Notifications.Tests.Functions;

/// <summary>Notifications' app for tests: the shared <see cref="TestApp"/> (it keeps no state; the storage setting is never used).</summary>
public static class NotificationsTestApp
{
    public static TestApp Create(string? defaultChannel = null) => new(NotificationsRegistration.AddNotificationsContext, "UseDevelopmentStorage=true",
        new Dictionary<string, string?> { [NotificationsRegistration.DefaultChannelSetting] = defaultChannel });

    public static byte[] Event<T>(this TestApp app, string type, string id, string subject, T data) => EventBatches.CloudEvent(app.Codec, type, id, subject, data, Samples.Time);

    public static Task<BatchOutcome> Deliver(this TestApp app, string hub, params EventData[] events) => app.DeliverAsync(hub, events, "1");
}
