using Avro;
using Avro.File;
using Avro.Generic;

namespace Store.LocalHost.Archive;

/// <summary>One record of an Event Hubs Capture file.</summary>
public sealed record CapturedEvent(
    long SequenceNumber,
    string Offset,
    DateTimeOffset EnqueuedTimeUtc,
    IReadOnlyDictionary<string, object?> SystemProperties,
    IReadOnlyDictionary<string, object?> Properties,
    byte[]? Body);

/// <summary>
/// Reads and writes Event Hubs Capture files (Avro object container files) with Apache.Avro. The schema is Azure's:
/// record <c>Microsoft.ServiceBus.Messaging.EventData</c> as documented for Event Hubs Capture ("Exploring captured Avro
/// files"). The same reader reads files Azure wrote and files the local host writes.
/// </summary>
public static class CaptureFile
{
    /// <summary>The Event Hubs Capture schema, verbatim.</summary>
    public const string SchemaJson = """
        {
          "type": "record",
          "name": "EventData",
          "namespace": "Microsoft.ServiceBus.Messaging",
          "fields": [
            { "name": "SequenceNumber", "type": "long" },
            { "name": "Offset", "type": "string" },
            { "name": "EnqueuedTimeUtc", "type": "string" },
            { "name": "SystemProperties", "type": { "type": "map", "values": [ "long", "double", "string", "bytes" ] } },
            { "name": "Properties", "type": { "type": "map", "values": [ "long", "double", "string", "bytes", "null" ] } },
            { "name": "Body", "type": [ "null", "bytes" ] }
          ]
        }
        """;

    /// <summary>The parsed capture schema.</summary>
    public static RecordSchema Schema { get; } = (RecordSchema)Avro.Schema.Parse(SchemaJson);

    // Capture writes EnqueuedTimeUtc with .NET's invariant general format ("9/12/2018 6:57:40 PM").
    private const string EnqueuedTimeFormat = "M/d/yyyy h:mm:ss tt";

    /// <summary>Writes <paramref name="events"/> as one capture file (deflate codec).</summary>
    public static void Write(Stream destination, IEnumerable<CapturedEvent> events)
    {
        using var writer = DataFileWriter<GenericRecord>.OpenWriter(
            new GenericDatumWriter<GenericRecord>(Schema), destination, Codec.CreateCodec(Codec.Type.Deflate));
        foreach (var e in events)
        {
            var record = new GenericRecord(Schema);
            record.Add("SequenceNumber", e.SequenceNumber);
            record.Add("Offset", e.Offset);
            record.Add("EnqueuedTimeUtc", e.EnqueuedTimeUtc.UtcDateTime.ToString(EnqueuedTimeFormat, CultureInfo.InvariantCulture));
            record.Add("SystemProperties", ToAvroMap(e.SystemProperties, allowNull: false));
            record.Add("Properties", ToAvroMap(e.Properties, allowNull: true));
            record.Add("Body", e.Body);
            writer.Append(record);
        }

        writer.Flush();
    }

    /// <summary>Reads every record of a capture file, in file order. A file with another schema is refused.</summary>
    public static IReadOnlyList<CapturedEvent> Read(Stream source, string name)
    {
        using var reader = DataFileReader<GenericRecord>.OpenReader(source, Schema);
        var writerSchema = reader.GetSchema();
        if (writerSchema.Fullname != Schema.Fullname)
        {
            throw new InvalidDataException($"{name}: not an Event Hubs Capture file (schema {writerSchema.Fullname}, expected {Schema.Fullname}).");
        }

        var events = new List<CapturedEvent>();
        foreach (var record in reader.NextEntries)
        {
            events.Add(new CapturedEvent(
                (long)record["SequenceNumber"],
                (string)record["Offset"],
                ParseEnqueuedTime((string)record["EnqueuedTimeUtc"], name),
                FromAvroMap(record["SystemProperties"]),
                FromAvroMap(record["Properties"]),
                (byte[]?)record["Body"]));
        }

        return events;
    }

    /// <summary>Reads a capture file from disk.</summary>
    public static IReadOnlyList<CapturedEvent> Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    private static DateTimeOffset ParseEnqueuedTime(string value, string name) =>
        DateTimeOffset.TryParseExact(value, EnqueuedTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact)
            ? exact
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var any)
                ? any
                : throw new InvalidDataException($"{name}: EnqueuedTimeUtc '{value}' is not a time.");

    // The schema's map values are long, double, string or bytes (and null for application properties); other .NET types
    // are written as their invariant string (the eventing kit sets only strings).
    private static Dictionary<string, object?> ToAvroMap(IReadOnlyDictionary<string, object?> values, bool allowNull) =>
        values.ToDictionary(p => p.Key, p => p.Value switch
        {
            null when allowNull => null,
            null => throw new ArgumentException($"System property '{p.Key}' is null; the capture schema has no null system property."),
            long or double or string or byte[] => p.Value,
            int or short or byte or uint => Convert.ToInt64(p.Value, CultureInfo.InvariantCulture),
            float f => (double)f,
            ReadOnlyMemory<byte> m => m.ToArray(),
            _ => Convert.ToString(p.Value, CultureInfo.InvariantCulture),
        }, StringComparer.Ordinal);

    private static Dictionary<string, object?> FromAvroMap(object value) =>
        ((IDictionary<string, object?>)value).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
