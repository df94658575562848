using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Store.Eventing.Processing;

namespace Store.Eventing.Hosting;

/// <summary>Reads what the Event Hubs trigger puts in the binding data.</summary>
public static class FunctionContextExtensions
{
    /// <summary>
    /// Builds the <see cref="TriggerContext"/> of an Event Hubs invocation. The partition id comes from the trigger's
    /// <c>PartitionContext</c> binding data (<c>{"PartitionId":"0",...}</c>), which the Functions host and the local host both supply.
    /// </summary>
    public static TriggerContext EventHubTrigger(this FunctionContext context, string consumingContext, string hub, string consumerGroup)
    {
        if (!context.BindingContext.BindingData.TryGetValue("PartitionContext", out var value) || value is null)
        {
            throw new InvalidOperationException($"The invocation of {context.FunctionDefinition.Name} has no PartitionContext binding data; is it an Event Hubs trigger?");
        }

        var partitionId = value switch
        {
            string json => ReadPartitionId(json),
            JsonElement element => ReadPartitionId(element.GetRawText()),
            _ => ReadPartitionId(JsonSerializer.Serialize(value, value.GetType(), JsonSerializerOptions.Default)),
        };
        return new TriggerContext(consumingContext, hub, consumerGroup, partitionId, context.RetryContext?.RetryCount ?? 0);
    }

    private static string ReadPartitionId(string json)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.NameEquals("PartitionId") || property.NameEquals("partitionId"))
            {
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        throw new InvalidOperationException("PartitionContext binding data has no PartitionId.");
    }
}
