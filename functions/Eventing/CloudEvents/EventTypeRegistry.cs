using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Store.Eventing.CloudEvents;

/// <summary>
/// One event type a context reads or writes: its CloudEvents type, the source-generated metadata of its record (to read:
/// with duplicate properties refused), its JSON Schema and <c>$id</c>, and the data field that is its partition key.
/// </summary>
/// <paramref name="UpcastTo"/> is set for a superseded version the context reads by upcasting (<see cref="IUpcast{TNewer}"/>).
public sealed record EventRegistration(string Type, JsonTypeInfo TypeInfo, JsonSchema Schema, string SchemaId, string PartitionKeyField, JsonTypeInfo ReadTypeInfo, EventRegistration? UpcastTo = null);

/// <summary>Maps CloudEvents <c>type</c> to the context's record and the catalog's schema. Types are named explicitly, never by CLR name.</summary>
public sealed class EventTypeRegistry(EventCatalog? catalog = null)
{
    private static readonly ConcurrentDictionary<string, (JsonSchema Schema, string Id)> Schemas = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> StrictOptions = [];
    private readonly Dictionary<string, EventRegistration> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, EventRegistration> _byClrType = [];
    private readonly Dictionary<string, EventTypeInfo> _catalogTypes = (catalog ?? EventCatalog.Current).EventTypes.ToDictionary(t => t.Type, StringComparer.Ordinal);

    /// <summary>
    /// Registers every record <paramref name="context"/> serializes that carries <see cref="CloudEventTypeAttribute"/>;
    /// fails when there is none or a type the catalog does not know, and checks each upcaster (<see cref="IUpcast{TNewer}"/>):
    /// its target is registered too and is the version the catalog says supersedes the old type.
    /// </summary>
    public EventTypeRegistry AddAll(JsonSerializerContext context)
    {
        var records = context.GetType().GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!)
            .Select(t => (Record: t, Type: CloudEventTypeAttribute.Find(t)))
            .Where(r => r.Type is not null)
            .ToList();
        if (records.Count == 0)
        {
            throw new ArgumentException($"{context.GetType().Name} serializes no record with [CloudEventType]; a context must declare its event types.", nameof(context));
        }

        foreach (var (record, type) in records)
        {
            Add(type!, context.GetTypeInfo(record)!);
        }

        foreach (var (record, type) in records)
        {
            if (IUpcast.TargetOf(record) is { } target)
            {
                LinkUpcast(type!, record, target);
            }
        }

        return this;
    }

    /// <summary>Registers <paramref name="typeInfo"/>'s record for <paramref name="type"/>; the type must be in the catalog.</summary>
    public EventTypeRegistry Add(string type, JsonTypeInfo typeInfo)
    {
        var info = _catalogTypes.GetValueOrDefault(type)
            ?? throw new ArgumentException($"Event type '{type}' (record {typeInfo.Type.Name}) is not in schemas/catalog.json.", nameof(type));
        if (_byType.TryGetValue(type, out var existing))
        {
            throw new ArgumentException($"Event type '{type}' is declared by both {existing.TypeInfo.Type.Name} and {typeInfo.Type.Name}.", nameof(type));
        }

        var (schema, id) = LoadSchema(info.Schema);
        // One strict copy of each context's options (ConditionalWeakTable: shared by the registries of a process).
        var strict = StrictOptions.GetValue(typeInfo.Options, static options => new JsonSerializerOptions(options) { AllowDuplicateProperties = false });
        var registration = new EventRegistration(type, typeInfo, schema, id, info.PartitionKey, strict.GetTypeInfo(typeInfo.Type));
        _byType.Add(type, registration);
        _byClrType.Add(typeInfo.Type, registration);
        return this;
    }

    private void LinkUpcast(string type, Type record, Type target)
    {
        var newer = _byClrType.GetValueOrDefault(target)
            ?? throw new ArgumentException($"{record.Name} ('{type}') upcasts to {target.Name}, which is not a registered event record: serialize it with [CloudEventType] in the same JSON context.", nameof(record));
        var superseded = _catalogTypes[type].SupersededBy;
        if (superseded != newer.Type)
        {
            throw new ArgumentException(superseded is null
                ? $"{record.Name} upcasts '{type}' to '{newer.Type}', but schemas/catalog.json does not say '{type}' is superseded."
                : $"{record.Name} upcasts '{type}' to '{newer.Type}', but schemas/catalog.json says '{type}' is superseded by '{superseded}'.", nameof(record));
        }

        _byType[type] = _byType[type] with { UpcastTo = newer };
        _byClrType[record] = _byType[type];
    }

    /// <summary>
    /// The types among <paramref name="typesOnHub"/> this registry cannot read although it reads another major version of
    /// the same event: a consumer that skipped them would lose those events silently (the kit skips catalog types a
    /// context has no record for). Empty when every version of every event it reads has a reader.
    /// </summary>
    public IReadOnlyList<string> UnreadVersions(IEnumerable<string> typesOnHub)
    {
        var read = _byType.Keys.Select(CloudEventTypeAttribute.EventOf).ToHashSet(StringComparer.Ordinal);
        return [.. typesOnHub.Where(t => !_byType.ContainsKey(t) && read.Contains(CloudEventTypeAttribute.EventOf(t))).Distinct(StringComparer.Ordinal)];
    }

    public bool TryGet(string type, [NotNullWhen(true)] out EventRegistration? registration) =>
        _byType.TryGetValue(type, out registration);

    public EventRegistration For<T>() => For(typeof(T));

    public EventRegistration For(Type type) =>
        _byClrType.TryGetValue(type, out var registration)
            ? registration
            : throw new InvalidOperationException($"{type.Name} is not registered as an event type.");

    /// <summary>True when the catalog knows the type (so a consumer that does not handle it may skip it rather than dead-letter it).</summary>
    public bool IsKnownToCatalog(string type) => _catalogTypes.ContainsKey(type);

    /// <summary>Loads (once per process) the schema at <c>schemas/{relativePath}</c>.</summary>
    public static (JsonSchema Schema, string Id) LoadSchema(string relativePath) =>
        Schemas.GetOrAdd(relativePath, static path =>
        {
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
            var schema = JsonSchema.FromText(EmbeddedSchemas.ReadText(path), options);
            var id = schema.BaseUri?.ToString() ?? throw new InvalidDataException($"schemas/{path} has no $id.");
            return (schema, id);
        });
}
