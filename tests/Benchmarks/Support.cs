using Microsoft.Extensions.Configuration;

namespace Store.Benchmarks;

/// <summary>The shared Azurite of a benchmark run (started like the tests start it, or the one already listening).</summary>
internal sealed class Storage : IDisposable
{
    private Process? _azurite;

    private Storage(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public TableServiceClient Service => new(ConnectionString);

    public static async Task<Storage> StartAsync()
    {
        Process? started = null;
        var connection = await Store.TestSupport.Azurite.EnsureRunningAsync(p => started = p).ConfigureAwait(false);
        return new Storage(connection) { _azurite = started };
    }

    public bool StartedHere => _azurite is not null;

    public async Task<TableClient> NewTableAsync(string prefix)
    {
        var table = Service.GetTableClient(prefix + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        return table;
    }

    public IConfiguration Configuration(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["StateStorage"] = ConnectionString };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    public void Dispose() => Store.TestSupport.Azurite.Stop(_azurite);
}

/// <summary>Publishes nothing: the table benchmarks measure state I/O, not Event Hubs.</summary>
internal sealed class NullPublisher : IEventPublisher
{
    public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Builds already-decoded inbound events (both sides of a comparison get the same objects).</summary>
internal static class Inbound
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static InboundEvent Of(string id, string type, string subject, object data, string hub, string partition, long sequence)
    {
        var time = T0.AddMilliseconds(sequence);
        var offset = sequence.ToString(CultureInfo.InvariantCulture);
        return new InboundEvent(
            new DecodedEvent(id, type, "/store/bench", subject, time, null, data),
            new EventPosition(hub, partition, sequence, offset, time),
            new RawEvent(ReadOnlyMemory<byte>.Empty, new Dictionary<string, object>(), hub, partition, offset, sequence, time));
    }
}

/// <summary>Formatting and the summary lines every command adds to.</summary>
internal static class Report
{
    private static readonly List<string> Lines = [];

    public static string F(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static void Line(string text)
    {
        Console.WriteLine(text);
    }

    public static void Summary(string text)
    {
        Lines.Add(text);
        Console.WriteLine(text);
    }

    public static void PrintSummary()
    {
        Console.WriteLine();
        Console.WriteLine("=== Summary (" + DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) +
            $", {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}) ===");
        foreach (var line in Lines)
        {
            Console.WriteLine(line);
        }
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
