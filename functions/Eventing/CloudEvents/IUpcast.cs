namespace Store.Eventing.CloudEvents;

/// <summary>
/// Marks a consumer's record of a superseded event version (e.g. <c>sales.order-placed.v1</c>) that it reads by upcasting
/// to its record of the newer version: the codec validates the old event against the old schema, binds this record and
/// hands decisions <see cref="Upcast"/>'s result, so they see one type. The newer record must be registered too, and
/// the catalog must say the old type is superseded by the newer one (see <see cref="EventTypeRegistry.AddAll"/>).
/// </summary>
/// <typeparam name="TNewer">The context's record of the newer version.</typeparam>
public interface IUpcast<out TNewer> : IUpcast
    where TNewer : notnull
{
    /// <summary>This event as the newer version, with the defaults the context states for what the old one lacks.</summary>
    new TNewer Upcast();

    object IUpcast.Upcast() => Upcast();
}

/// <summary>The untyped side of <see cref="IUpcast{TNewer}"/>, for the codec.</summary>
public interface IUpcast
{
    /// <summary>This event as the newer version.</summary>
    object Upcast();

    /// <summary>The newer record <paramref name="record"/> upcasts to, or null when it implements no <see cref="IUpcast{TNewer}"/>.</summary>
    static Type? TargetOf(Type record) =>
        record.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IUpcast<>)).Select(i => i.GetGenericArguments()[0]).ToArray() switch
        {
            [] => null,
            [var one] => one,
            var many => throw new ArgumentException($"{record.Name} upcasts to {many.Length} records ({string.Join(", ", many.Select(m => m.Name))}); an old version upcasts to one newer record."),
        };
}
