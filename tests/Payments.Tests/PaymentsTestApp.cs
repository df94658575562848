using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.CloudEvents;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Payments.Events;
using Store.Payments.Functions;
using Store.TestSupport;

namespace Store.Payments.Tests;

/// <summary>The Payments app as the local host builds it (<see cref="PaymentsRegistration.AddPaymentsContext"/>) with a recording publisher.</summary>
public sealed class PaymentsTestHost : IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public PaymentsTestHost(IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
            {
                // Stateless: the storage setting is never used, but the kit registers a table client.
                ["StateStorage"] = "UseDevelopmentStorage=true",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(Publisher);
        services.AddPaymentsContext(configuration);
        _services = services.BuildServiceProvider();
        Function = ActivatorUtilities.CreateInstance<OnSalesOrdersFunction>(_services);
    }

    public RecordingPublisher Publisher { get; } = new();

    public OnSalesOrdersFunction Function { get; }

    public CloudEventCodec Codec => _services.GetRequiredService<CloudEventCodec>();

    public IReadOnlyList<OutgoingEvent> PaymentEvents => Publisher.To("payments");

    public IReadOnlyList<OutgoingEvent> DeadLetters => Publisher.To("dead-letters");

    public Task<BatchOutcome> DeliverAsync(EventData[] batch, string partitionId = "0") =>
        Function.Run(batch, EventBatches.FunctionContextFor(partitionId, "Payments_OnSalesOrders"), CancellationToken.None);

    public byte[] OrderPlaced(string orderId, decimal total, string currency = "EUR", string? traceParent = null)
    {
        var data = new OrderPlaced(orderId, "cust-1", [new OrderLine("SKU-1", 1, total)], total, currency);
        var id = "placed-" + orderId;
        return Codec.Encode(new CloudEventHeader(id, PaymentsEventTypes.OrderPlaced, "/store/sales", orderId, T0, traceParent), data);
    }

    public void Dispose() => _services.Dispose();
}
