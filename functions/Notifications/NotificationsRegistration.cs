using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Notifications;

/// <summary>The Notifications context's services; used by Program.cs and by the local host.</summary>
public static class NotificationsRegistration
{
    /// <summary>Setting naming the channel of every notification: "email" (default), "sms" or "push".</summary>
    public const string DefaultChannelSetting = "Notifications:DefaultChannel";

    /// <summary>Notifications' consumer group, as in schemas/catalog.json (a contract test compares every trigger with it).</summary>
    public const string ConsumerGroup = "notifications";

    public static IServiceCollection AddNotificationsContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventing(configuration, "Notifications", NotificationsJson.Default);

        var channel = configuration[DefaultChannelSetting] is { Length: > 0 } configured ? configured.Trim().ToLowerInvariant() : "email";
        if (!NotificationReaction.Channels.Contains(channel))
        {
            // Fail at startup rather than emit events that violate the schema.
            throw new InvalidOperationException($"{DefaultChannelSetting} is '{configuration[DefaultChannelSetting]}'; use one of: {string.Join(", ", NotificationReaction.Channels)}.");
        }

        return services.AddSingleton(new NotificationReaction(channel));
    }
}
