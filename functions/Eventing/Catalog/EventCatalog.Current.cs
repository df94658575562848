namespace Store.Eventing.Catalog;

// Kept apart from the model so that a tool can compile EventCatalog.cs alone and read the working-tree catalog instead.
public sealed partial record EventCatalog
{
    private static readonly Lazy<EventCatalog> Embedded = new(() => Parse(EmbeddedSchemas.ReadText("catalog.json")));

    /// <summary>The catalog compiled into the kit (the checked-in <c>schemas/catalog.json</c>).</summary>
    public static EventCatalog Current => Embedded.Value;
}
