namespace Store.Eventing.CloudEvents;

/// <summary>
/// Names the CloudEvents <c>type</c> a context's record carries, e.g. <c>[CloudEventType("sales.order-placed.v1")]</c>:
/// the one place a context states it. <see cref="EventTypeRegistry.AddAll"/> registers every attributed record its
/// JSON context serializes; decisions read the name back with <see cref="Of{T}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CloudEventTypeAttribute(string type) : Attribute
{
    public string Type { get; } = type;

    /// <summary>The type name on <typeparamref name="T"/> (read once per record).</summary>
    public static string Of<T>() => Cached<T>.Type;

    /// <summary>The event a type names, without its major version: <c>sales.order-placed.v2</c> → <c>sales.order-placed</c>.</summary>
    public static string EventOf(string type) => type.LastIndexOf(".v", StringComparison.Ordinal) is var at and > 0 ? type[..at] : type;

    /// <summary>The type name on <paramref name="record"/>, or null when it has none.</summary>
    public static string? Find(Type record) =>
        ((CloudEventTypeAttribute?)GetCustomAttribute(record, typeof(CloudEventTypeAttribute), inherit: false))?.Type;

    private static class Cached<T>
    {
        public static readonly string Type = Find(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} has no [CloudEventType].");
    }
}
