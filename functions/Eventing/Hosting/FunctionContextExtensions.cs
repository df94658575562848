namespace Store.Eventing.Hosting;

/// <summary>Reads what the Event Hubs trigger puts in the binding data.</summary>
public static class FunctionContextExtensions
{
    /// <summary>
    /// The <see cref="TriggerContext"/> of an Event Hubs invocation, from the trigger's <c>PartitionContext</c> binding data
    /// (hub, consumer group, partition), so a context never repeats its trigger's hub and consumer group.
    /// </summary>
    public static TriggerContext EventHubTrigger(this FunctionContext context, string consumingContext)
    {
        using var partition = PartitionContext(context);
        return new TriggerContext(
            consumingContext, Read(partition, "EventHubName"), Read(partition, "ConsumerGroup"), Read(partition, "PartitionId"), context.RetryContext?.RetryCount ?? 0);
    }

    private static JsonDocument PartitionContext(FunctionContext context)
    {
        if (!context.BindingContext.BindingData.TryGetValue("PartitionContext", out var value) || value is null)
        {
            throw new InvalidOperationException($"The invocation of {context.FunctionDefinition.Name} has no PartitionContext binding data; is it an Event Hubs trigger?");
        }

        return value is string json ? JsonDocument.Parse(json) : JsonSerializer.SerializeToDocument(value, value.GetType(), JsonSerializerOptions.Default);
    }

    private static string Read(JsonDocument partition, string name) =>
        partition.RootElement.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())
            .FirstOrDefault() ?? throw new InvalidOperationException($"PartitionContext binding data has no {name}.");
}
