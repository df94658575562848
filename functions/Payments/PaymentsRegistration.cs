using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Hosting;

namespace Store.Payments;

/// <summary>The Payments context's services; used by Program.cs and by the local host.</summary>
public static class PaymentsRegistration
{
    /// <summary>Payments's consumer group, as in schemas/catalog.json (a contract test compares every trigger with it).</summary>
    public const string ConsumerGroup = "payments";

    /// <summary>Registers everything the Payments functions need (settings: <c>Payments:AuthorizationLimit</c>, <c>Payments:SupportedCurrencies</c>).</summary>
    public static IServiceCollection AddPaymentsContext(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventing(configuration, "Payments", PaymentsJson.Default);
        services.AddSingleton(PaymentPolicy.FromConfiguration(configuration));
        return services;
    }
}
