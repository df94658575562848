using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Notifications;

/// <summary>The Notifications context's services; used by Program.cs and by the local host.</summary>
public static class NotificationsRegistration
{
    /// <summary>Registers everything the Notifications functions need.</summary>
    public static IServiceCollection AddNotificationsContext(this IServiceCollection services, IConfiguration configuration) =>
        services.AddEventing(configuration, "Notifications", _ => { });
}
