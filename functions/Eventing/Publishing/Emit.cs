namespace Store.Eventing.Publishing;

/// <summary>
/// What an output derives its envelope from: the scope that, with the output's role, names its id (see
/// <see cref="EventIds"/>), its time and the trace context it carries. By default the input event's id, time and trace.
/// </summary>
public readonly record struct EventCause(string Scope, DateTimeOffset Time, string? TraceParent)
{
    public static EventCause Of(InboundEvent input) => new(input.Event.Id, input.Event.Time, input.Event.TraceParent);
}

/// <summary>
/// An event a decision emits: its data record and the role its id derives from (with <see cref="Cause"/>, else the
/// input's id); the kit derives the envelope (see the kit README, "Typed outputs").
/// </summary>
public sealed record Emit(object Data, string Role, EventCause? Cause = null);

/// <summary>Turns a context's <see cref="Emit"/>s into encoded <see cref="OutgoingEvent"/>s (one per context, thread-safe).</summary>
public sealed class OutputEncoder(CloudEventCodec codec, string context)
{
    private readonly EventCatalog _catalog = EventCatalog.Current;
    private readonly ConcurrentDictionary<Type, Route> _routes = new();

    public string Context => context;

    /// <summary>The CloudEvents source of this context's events, e.g. <c>/store/sales</c>.</summary>
    public string Source { get; } = SourceOf(context);

    public static string SourceOf(string context) => "/" + EventCatalog.Current.System + "/" + context.ToLowerInvariant();

    /// <summary>Encodes <paramref name="output"/>; without its own cause it takes <paramref name="input"/>'s.</summary>
    public OutgoingEvent Encode(Emit output, InboundEvent? input = null)
    {
        var cause = output.Cause ?? (input is null
            ? throw new ArgumentException($"An output ({output.Role}) without an input event needs its own cause.", nameof(output))
            : EventCause.Of(input));
        var route = _routes.GetOrAdd(output.Data.GetType(), RouteOf);
        var key = route.KeyOf(output.Data);
        var id = EventIds.Derive(cause.Scope, output.Role);
        var header = new CloudEventHeader(id, route.Type, Source, key, cause.Time, cause.TraceParent);
        return new OutgoingEvent(route.Hub, key, id, route.Type, codec.Encode(header, output.Data), cause.TraceParent);
    }

    public IEnumerable<OutgoingEvent> Encode(IEnumerable<Emit> outputs, InboundEvent? input) => outputs.Select(o => Encode(o, input));

    private Route RouteOf(Type type)
    {
        var registration = codec.Registry.For(type);
        if (!_catalog.IsSent(registration.Type))
        {
            throw new InvalidOperationException($"'{registration.Type}' is superseded in schemas/catalog.json: {context} sends the newer version, never this one.");
        }

        var hubs = _catalog.Streams
            .Where(s => _catalog.SendersOf(s.Domain, s.Stream).Contains(context) && s.Stream.Events.Contains(registration.Type))
            .Select(s => s.Stream.Hub).ToArray();
        if (hubs.Length != 1)
        {
            throw new InvalidOperationException($"schemas/catalog.json gives {context} {hubs.Length} hubs to send '{registration.Type}' to; it needs exactly one.");
        }

        var property = registration.TypeInfo.Properties.FirstOrDefault(p => p.Name == registration.PartitionKeyField)?.Get
            ?? throw new InvalidOperationException($"{type.Name} has no readable property '{registration.PartitionKeyField}', the partition key of '{registration.Type}' in schemas/catalog.json.");
        return new Route(registration.Type, hubs[0], data => property(data) is string { Length: > 0 } key
            ? key
            : throw new InvalidOperationException($"The partition key '{registration.PartitionKeyField}' of a '{registration.Type}' is empty."));
    }

    private sealed record Route(string Type, string Hub, Func<object, string> KeyOf);
}
