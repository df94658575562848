namespace Store.Contracts.Tests.AsyncApi;

/// <summary>
/// Generates <c>schemas/asyncapi.yaml</c> (AsyncAPI 3.0) from <c>schemas/catalog.json</c> and the event JSON Schemas.
/// Servers are the domain namespaces (plus the emulator), channels the hubs, messages the event types as structured-mode
/// CloudEvents, and operations each context's sends (owned hubs, dead letters) and receives (with its consumer group).
/// <c>.ci/regenerate</c> (tests/Regenerate) writes the document and <c>AsyncApiDocumentTests</c> checks it.
/// </summary>
public static class AsyncApiGenerator
{
    /// <summary>Where the generated document is checked in, relative to the repository root.</summary>
    public const string RelativePath = "schemas/asyncapi.yaml";

    /// <summary>The command that rewrites the checked-in document.</summary>
    public const string RegenerateCommand = ".ci/regenerate";

    private const string DocumentVersion = "1.0.0";
    private const string ContentType = "application/cloudevents+json; charset=utf-8";
    private const string EmulatorServer = "emulator";
    private const string EnvelopeSchema = "CloudEvent";
    private const string TraceParentPattern = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$";

    // Keywords that mean the same in JSON Schema draft 2020-12 (our schemas) and in the draft-07-based AsyncAPI Schema
    // Object, so a schema made only of these can be embedded verbatim. Anything else stops generation with a clear error.
    private static readonly HashSet<string> PortableKeywords =
    [
        "type", "properties", "required", "items", "additionalProperties", "enum", "const", "pattern", "format",
        "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
        "title", "description", "default", "examples", "$comment", "readOnly", "writeOnly", "deprecated",
    ];

    /// <summary>Builds the document as a JSON tree (the YAML is a rendering of it).</summary>
    /// <param name="catalog">The stream catalog.</param>
    /// <param name="readSchema">Reads <c>schemas/{relativePath}</c>.</param>
    /// <param name="samples">Example <c>data</c> per event type (JSON text); types without one get no example.</param>
    public static JsonObject Build(EventCatalog catalog, Func<string, string> readSchema, IReadOnlyDictionary<string, string> samples)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(readSchema);
        ArgumentNullException.ThrowIfNull(samples);

        var servers = new JsonObject();
        foreach (var domain in catalog.Domains)
        {
            servers[domain.Name] = new JsonObject
            {
                ["host"] = "{namespace}.servicebus.windows.net",
                ["protocol"] = "amqp",
                ["protocolVersion"] = "1.0",
                ["title"] = $"{domain.Name} namespace",
                ["description"] =
                    $"Event Hubs namespace of the {domain.Name} domain (owner: {domain.Owner}). Entra ID only (local auth disabled): " +
                    $"apps connect with their managed identity through the app setting `{domain.Connection}__fullyQualifiedNamespace`, " +
                    "with Data Sender on the hubs they own and Data Receiver on the hubs they consume.",
                ["variables"] = new JsonObject
                {
                    ["namespace"] = new JsonObject
                    {
                        ["description"] = $"Namespace name; infra/main.bicep names it evhns-{domain.Name}-<resourceToken>.",
                        ["examples"] = new JsonArray($"evhns-{domain.Name}-abc123xyz"),
                    },
                },
                ["x-connectionSetting"] = domain.Connection,
            };
        }

        servers[EmulatorServer] = new JsonObject
        {
            ["host"] = "localhost:5672",
            ["protocol"] = "amqp",
            ["protocolVersion"] = "1.0",
            ["title"] = "Event Hubs emulator",
            ["description"] =
                "Local Event Hubs emulator (infra/emulator, Docker) with one namespace, emulatorNs1, holding every hub; its Config.json " +
                "is generated from the catalog and the connection strings are in local.settings.sample.json. Without Docker, " +
                "functions/LocalHost runs every context against an in-process stand-in for these hubs instead.",
            ["x-namespace"] = "emulatorNs1",
        };

        var channels = new JsonObject();
        var messages = new JsonObject();
        var schemas = new JsonObject { [EnvelopeSchema] = Envelope() };
        foreach (var (domain, stream) in catalog.Streams)
        {
            var channelMessages = new JsonObject();
            var sources = catalog.SendersOf(domain, stream).Select(SourceOf).ToArray();
            foreach (var type in stream.Events)
            {
                var info = catalog.EventTypes.SingleOrDefault(t => t.Type == type)
                    ?? throw new InvalidOperationException($"Hub '{stream.Hub}' lists '{type}', which has no eventTypes entry in the catalog.");
                var data = PortableSchema(info, readSchema(info.Schema), out var schemaId);
                schemas[type] = data;
                messages[type] = Message(info, schemaId, data, sources, samples.TryGetValue(type, out var sample) ? sample : null);
                channelMessages[type] = Ref($"#/components/messages/{type}");
            }

            channels[stream.Hub] = new JsonObject
            {
                ["address"] = stream.Hub,
                ["title"] = stream.Hub,
                ["description"] = ChannelDescription(domain, stream),
                ["servers"] = new JsonArray(Ref($"#/servers/{domain.Name}"), Ref($"#/servers/{EmulatorServer}")),
                ["messages"] = channelMessages,
                ["x-eventHubs"] = new JsonObject
                {
                    ["partitionCount"] = stream.Partitions,
                    ["retentionHours"] = stream.RetentionHours,
                    ["deadLetter"] = stream.DeadLetter,
                    ["senders"] = new JsonArray([.. catalog.SendersOf(domain, stream).Select(s => JsonValue.Create(s))]),
                    ["consumerGroups"] = new JsonArray([.. stream.Consumers.Select(c => new JsonObject
                    {
                        ["context"] = c.Context,
                        ["consumerGroup"] = c.ConsumerGroup,
                    })]),
                },
            };
        }

        var operations = new JsonObject();
        foreach (var participant in Participants(catalog))
        {
            foreach (var (domain, stream) in catalog.Streams.Where(s => catalog.SendersOf(s.Domain, s.Stream).Contains(participant)))
            {
                operations[$"{participant}.send.{stream.Hub}"] = Operation("send", participant, domain, stream, consumerGroup: null, catalog.IsSent);
            }

            foreach (var (domain, stream) in catalog.Streams)
            {
                foreach (var consumer in stream.Consumers.Where(c => c.Context == participant))
                {
                    operations[$"{participant}.receive.{stream.Hub}"] = Operation("receive", participant, domain, stream, consumer.ConsumerGroup, _ => true);
                }
            }
        }

        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = $"{char.ToUpperInvariant(catalog.System[0])}{catalog.System[1..]} event streams",
                ["version"] = DocumentVersion,
                ["description"] = string.Join('\n',
                    $"Every stream of the {catalog.System} system: one Event Hubs namespace per domain, one hub per stream, one owning context",
                    "per stream (the only sender), and one consumer group per consuming context.",
                    "",
                    "Messages are CloudEvents 1.0 in structured mode: the AMQP body is the whole JSON envelope (specversion, id,",
                    "source, type, subject, time, datacontenttype, dataschema, traceparent) with the event's data under `data`.",
                    "So each message's payload is the envelope schema (components/schemas/CloudEvent) narrowed to the event's",
                    "type, source and dataschema, with `data` referencing the event's own JSON Schema. The AMQP application",
                    "properties the publisher adds for routing without parsing the body (cloudEvents:id, cloudEvents:type,",
                    "traceparent) are the message headers; content-type and message-id are AMQP protocol properties.",
                    "",
                    "Generated from schemas/catalog.json and schemas/<domain>/<event>.v<major>.json by tests/Regenerate;",
                    $"regenerate with `{RegenerateCommand}`."),
            },
            ["defaultContentType"] = ContentType,
            ["servers"] = servers,
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["messages"] = messages,
            },
        };
    }

    /// <summary>Renders the document as YAML with a generated-file header.</summary>
    public static string Render(JsonObject document) =>
        YamlWriter.Write(document,
        [
            "AsyncAPI 3.0 description of every event stream. GENERATED: do not edit by hand.",
            "Source: schemas/catalog.json and the JSON Schemas next to this file (tests/Contracts.Tests/AsyncApi/AsyncApiGenerator.cs).",
            $"Regenerate: {RegenerateCommand}",
        ]);

    /// <summary>The CloudEvents <c>source</c> a context writes.</summary>
    public static string SourceOf(string context) => "/store/" + context.ToLowerInvariant();

    private static IEnumerable<string> Participants(EventCatalog catalog) =>
        catalog.Contexts.Select(c => c.Name)
            .Concat(catalog.Streams.SelectMany(s => catalog.SendersOf(s.Domain, s.Stream)))
            .Concat(catalog.Streams.SelectMany(s => s.Stream.Consumers.Select(c => c.Context)))
            .Distinct(StringComparer.Ordinal);

    // A sender lists only the types it sends (not superseded ones); a receiver every type on the hub, for the archive holds them all.
    private static JsonObject Operation(string action, string context, DomainInfo domain, StreamInfo stream, string? consumerGroup, Func<string, bool> listed)
    {
        var operation = new JsonObject
        {
            ["action"] = action,
            ["channel"] = Ref($"#/channels/{stream.Hub}"),
            ["title"] = action == "send" ? $"{context} sends to {stream.Hub}" : $"{context} receives from {stream.Hub}",
            ["description"] = (action, stream.DeadLetter) switch
            {
                ("send", true) =>
                    $"{context} sends every input it cannot process (bad JSON, invalid envelope, unknown type or version, schema or rule " +
                    "violation) here with the original body and properties, where it came from and the error, then carries on.",
                ("send", false) =>
                    $"{context} owns {stream.Hub} and is its only sender. It publishes after committing its state, with the aggregate id as " +
                    "partition key, and derives each event's id from the input that caused it, so redelivery yields identical events.",
                _ =>
                    $"{context} reads {stream.Hub} through its own consumer group `{consumerGroup}`, from the start of the stream " +
                    "(initialOffsetOptions fromStart). Delivery is at least once; it drops duplicates by event id and position, skips " +
                    "catalog types it does not handle, reads a superseded version as the newer one (upcast), and dead-letters anything invalid.",
            },
            ["tags"] = new JsonArray(new JsonObject { ["name"] = context }),
            ["messages"] = new JsonArray([.. stream.Events.Where(listed).Select(type => Ref($"#/channels/{stream.Hub}/messages/{type}"))]),
            ["x-context"] = context,
            ["x-connectionSetting"] = domain.Connection,
        };
        if (consumerGroup is not null)
        {
            operation["x-consumerGroup"] = consumerGroup;
        }

        return operation;
    }

    private static string ChannelDescription(DomainInfo domain, StreamInfo stream)
    {
        var consumers = stream.Consumers.Count == 0
            ? "No consumer yet."
            : "Consumed by " + string.Join(", ", stream.Consumers.Select(c => $"{c.Context} (consumer group `{c.ConsumerGroup}`)")) + ".";
        var owner = stream.DeadLetter
            ? $"Dead-letter hub of the {domain.Name} namespace: every context sends the events it could not process here, partitioned by consuming context."
            : $"Hub of the {domain.Name} domain, owned by {domain.Owner} (its only sender). Partition key = aggregate id, so each aggregate's events stay in order.";
        return $"{owner} {stream.Partitions} partitions, {stream.RetentionHours} h retention. {consumers}";
    }

    private static JsonObject Message(EventTypeInfo info, string schemaId, JsonObject data, IReadOnlyList<string> sources, string? sample)
    {
        var message = new JsonObject
        {
            ["name"] = info.Type,
            ["title"] = Title(info.Type),
            ["summary"] = (string?)data["description"] ?? info.Type,
            ["contentType"] = ContentType,
            ["headers"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "AMQP application properties set by the publisher (copies of envelope attributes, for routing and tracing without parsing the body).",
                ["required"] = new JsonArray("cloudEvents:id", "cloudEvents:type"),
                ["properties"] = new JsonObject
                {
                    ["cloudEvents:id"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["description"] = "Same as the envelope's id (also the AMQP message-id)." },
                    ["cloudEvents:type"] = new JsonObject { ["type"] = "string", ["const"] = info.Type },
                    ["traceparent"] = new JsonObject { ["type"] = "string", ["pattern"] = TraceParentPattern, ["description"] = "W3C trace context of the causing work, when there is one." },
                },
            },
            ["payload"] = new JsonObject
            {
                ["allOf"] = new JsonArray(
                    Ref($"#/components/schemas/{EnvelopeSchema}"),
                    new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["type"] = new JsonObject { ["const"] = info.Type },
                            ["source"] = sources.Count == 1
                                ? new JsonObject { ["const"] = sources[0] }
                                : new JsonObject { ["enum"] = new JsonArray([.. sources.Select(s => JsonValue.Create(s))]) },
                            ["subject"] = new JsonObject { ["description"] = $"The event's `{info.PartitionKey}` (also the partition key)." },
                            ["dataschema"] = new JsonObject { ["const"] = schemaId },
                            ["data"] = Ref($"#/components/schemas/{info.Type}"),
                        },
                    }),
            },
            ["correlationId"] = new JsonObject
            {
                ["description"] = $"The aggregate id: the envelope's subject, equal to data.{info.PartitionKey} and to the partition key.",
                ["location"] = "$message.payload#/subject",
            },
            ["x-partitionKey"] = info.PartitionKey,
            ["x-schemaFile"] = "schemas/" + info.Schema,
        };
        if (info.SupersededBy is { } newer)
        {
            message["description"] = $"Superseded by {newer}: no longer sent, but it stays in the archive, so every consumer still reads it (upcast to {newer}).";
            message["x-supersededBy"] = newer;
        }

        if (sample is not null)
        {
            var sampleData = JsonNode.Parse(sample)!.AsObject();
            var subject = (string?)sampleData[info.PartitionKey] ?? throw new InvalidOperationException($"The {info.Type} sample has no '{info.PartitionKey}'.");
            const string ExampleId = "0b8f1d2e-5c47-5a9e-8f3c-6d2a1b4e7f90";
            const string ExampleTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            message["examples"] = new JsonArray(new JsonObject
            {
                ["name"] = "sample",
                ["summary"] = $"A valid {info.Type} as it appears on the hub.",
                ["headers"] = new JsonObject
                {
                    ["cloudEvents:id"] = ExampleId,
                    ["cloudEvents:type"] = info.Type,
                    ["traceparent"] = ExampleTraceParent,
                },
                ["payload"] = new JsonObject
                {
                    ["specversion"] = "1.0",
                    ["id"] = ExampleId,
                    ["source"] = sources.Contains(SourceOf(subject)) ? SourceOf(subject) : sources[0],
                    ["type"] = info.Type,
                    ["subject"] = subject,
                    ["time"] = "2026-01-01T12:00:00+00:00",
                    ["datacontenttype"] = "application/json",
                    ["dataschema"] = schemaId,
                    ["traceparent"] = ExampleTraceParent,
                    ["data"] = sampleData,
                },
            });
        }

        return message;
    }

    private static JsonObject Envelope() => new()
    {
        ["type"] = "object",
        ["description"] =
            "A CloudEvents 1.0 event in structured JSON mode, as this system writes it: every attribute below is always present " +
            "except the optional traceparent extension; consumers require at least specversion, id, source and type.",
        ["required"] = new JsonArray("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data"),
        ["properties"] = new JsonObject
        {
            ["specversion"] = new JsonObject { ["type"] = "string", ["const"] = "1.0" },
            ["id"] = new JsonObject
            {
                ["type"] = "string",
                ["minLength"] = 1,
                ["description"] = "Deterministic: a name-based UUID (RFC 9562 v5) of the causing input's id and the output's role, so a redelivered input produces the same id and consumers drop duplicates by it.",
            },
            ["source"] = new JsonObject
            {
                ["type"] = "string",
                ["format"] = "uri-reference",
                ["pattern"] = "^/store/[a-z]+$",
                ["description"] = "The producing context, /store/<context>.",
            },
            ["type"] = new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = "^[a-z]+\\.[a-z0-9-]+\\.v[0-9]+$",
                ["description"] = "<domain>.<event>.v<major>; a new major version is a new type with its own schema.",
            },
            ["subject"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["description"] = "The aggregate id, also used as the partition key." },
            ["time"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "Event time, derived from the input so that redelivery produces byte-identical output." },
            ["datacontenttype"] = new JsonObject { ["type"] = "string", ["const"] = "application/json" },
            ["dataschema"] = new JsonObject { ["type"] = "string", ["format"] = "uri", ["description"] = "The `$id` of the data's JSON Schema." },
            ["traceparent"] = new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = TraceParentPattern,
                ["description"] = "CloudEvents distributed-tracing extension: W3C trace context of the work that caused the event.",
            },
            ["data"] = new JsonObject { ["type"] = "object" },
        },
    };

    /// <summary>The event's JSON Schema without <c>$schema</c>/<c>$id</c>, after checking it only uses keywords both dialects share.</summary>
    private static JsonObject PortableSchema(EventTypeInfo info, string text, out string schemaId)
    {
        var schema = JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException($"schemas/{info.Schema} is empty.");
        schemaId = (string?)schema["$id"] ?? throw new InvalidOperationException($"schemas/{info.Schema} has no $id.");
        schema.Remove("$schema");
        schema.Remove("$id");
        CheckPortable(schema, info.Schema, "");
        return schema;
    }

    private static void CheckPortable(JsonObject schema, string file, string path)
    {
        foreach (var (keyword, value) in schema)
        {
            if (!PortableKeywords.Contains(keyword))
            {
                throw new InvalidOperationException(
                    $"schemas/{file} uses '{keyword}' at '{(path.Length == 0 ? "/" : path)}', which does not mean the same in JSON Schema 2020-12 and the " +
                    "draft-07-based AsyncAPI Schema Object. Extend AsyncApiGenerator to translate it before using it.");
            }

            switch (keyword, value)
            {
                case ("properties", JsonObject properties):
                    foreach (var (name, property) in properties)
                    {
                        if (property is JsonObject child)
                        {
                            CheckPortable(child, file, $"{path}/{name}");
                        }
                    }

                    break;
                case ("items" or "additionalProperties", JsonObject child):
                    CheckPortable(child, file, $"{path}/{keyword}");
                    break;
                case ("items", not null and not JsonObject):
                    // Draft-07 reads an array here as a tuple; 2020-12 uses prefixItems for that.
                    throw new InvalidOperationException($"schemas/{file}: 'items' at '{path}' must be a single schema.");
            }
        }
    }

    private static JsonObject Ref(string pointer) => new() { ["$ref"] = pointer };

    private static string Title(string type)
    {
        // "sales.order-placed.v1" -> "Order placed (v1)"
        var parts = type.Split('.');
        var words = parts[1].Replace('-', ' ');
        return char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..] + $" ({parts[2]})";
    }
}
