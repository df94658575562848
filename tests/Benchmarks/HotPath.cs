using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Store.Payments.Reactions;
using Store.Payments.Events;

namespace Store.Benchmarks;

/// <summary>
/// (b) The stateless hot path of one event: the kit's decode (envelope, catalog lookup, JSON Schema validation, bind
/// to the context's record) → Payments' decision → encode of the output CloudEvent with a derived id, vs a plain
/// System.Text.Json source-generated deserialize of the same event and serialize of an output envelope (no validation).
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly DateTimeOffset Time = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly CloudEventCodec _codec;
    private readonly OutputEncoder _outputs;
    private readonly byte[] _body;
    private readonly PaymentPolicy _policy = PaymentPolicy.Default;

    public HotPathBenchmarks()
    {
        _codec = new CloudEventCodec(new EventTypeRegistry().AddAll(PaymentsJson.Default));
        var order = new OrderPlaced("O-000123", "C-042", [new OrderLine("SKU-0001", 2, 19.99m), new OrderLine("SKU-0002", 1, 5.50m)], 45.48m, "EUR");
        _outputs = new OutputEncoder(_codec, "Payments");
        // Sales sends v2 with an address; Payments' record binds none, so the body is its v1 encoding made into that v2.
        var v1 = new OrderPlacedV1(order.OrderId, order.CustomerId, order.Lines, order.Total, order.Currency);
        _body = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(_codec.Encode(new CloudEventHeader("6d3a7c1e-6f0e-4f9b-9a8f-0f1e2d3c4b5a",
                CloudEventTypeAttribute.Of<OrderPlacedV1>(), "/store/sales", order.OrderId, Time, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), v1))
            .Replace("order-placed.v1", "order-placed.v2", StringComparison.Ordinal)
            .Replace("\"currency\":\"EUR\"}", "\"currency\":\"EUR\",\"shippingAddress\":{\"recipient\":\"Ann\",\"line1\":\"Main Street 1\",\"city\":\"Bonn\",\"postalCode\":\"53111\",\"country\":\"DE\"}}", StringComparison.Ordinal));
        if (!_codec.Decode(_body).IsEvent)
        {
            throw new InvalidOperationException("The benchmark's order-placed body does not decode.");
        }
    }

    [Benchmark(Baseline = true, Description = "plain STJ deserialize+serialize")]
    public byte[] PlainJson()
    {
        var input = JsonSerializer.Deserialize(_body, PlainJsonContext.Default.PlainOrderPlacedEnvelope)!;
        var order = input.Data;
        var output = new PlainAuthorizedEnvelope("1.0", input.Id, "/store/payments", CloudEventTypeAttribute.Of<PaymentAuthorized>(), order.OrderId, input.Time, "application/json",
            new PaymentAuthorized(order.OrderId, order.CustomerId, order.Total, order.Currency));
        return JsonSerializer.SerializeToUtf8Bytes(output, PlainJsonContext.Default.PlainAuthorizedEnvelope);
    }

    [Benchmark(Description = "kit decode+validate -> decide -> encode")]
    public OutgoingEvent KitHotPath()
    {
        var decoded = _codec.Decode(_body).Event!;
        var inbound = new InboundEvent(decoded, new EventPosition("sales-orders", "0", 1, "0", Time),
            new RawEvent(_body, EmptyProperties, "sales-orders", "0", "0", 1, Time));
        return _outputs.Encode(PaymentReaction.React(inbound, _policy).Outputs[0], inbound);
    }

    private static readonly Dictionary<string, object> EmptyProperties = [];

    // instanceMemoryMB 2048 in infra/modules/function-app.bicep; on-demand execution-time price assumed (see README).
    private const double FlexInstanceGb = 2;
    private const double FlexPricePerGbSecond = 0.000026;

    public static void Run()
    {
        var config = ManualConfig.CreateMinimumViable()
            // 15 measured iterations after 5 warm-ups (ShortRun's 3 gave error bars as wide as the means on this shared machine).
            .AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(15).WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "store-benchmarks"));
        var summary = BenchmarkRunner.Run<HotPathBenchmarks>(config);
        double Mean(string method) => summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics!.Mean;
        long Allocated(string method)
        {
            var report = summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
            return report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
        }

        var (plain, kit) = (Mean(nameof(PlainJson)), Mean(nameof(KitHotPath)));
        // Flex Consumption bills the instance's memory for the time executions run: kit ns/event x 10^6 events = kit/1000 s.
        var gbSecondsPerMillion = kit / 1000 * FlexInstanceGb;
        Report.Summary($"(b) Stateless hot path: kit {Report.F(kit / 1000, "0.0")} us/event ({Allocated(nameof(KitHotPath))} B) = {Report.F(gbSecondsPerMillion, "0.0")} GB-s " +
            $"= ${Report.F(gbSecondsPerMillion * FlexPricePerGbSecond, "0.0000")} per million events on Flex Consumption ({FlexInstanceGb} GB, ${FlexPricePerGbSecond}/GB-s assumed); " +
            $"plain STJ yardstick {Report.F(plain / 1000, "0.0")} us/event ({Allocated(nameof(PlainJson))} B)");
    }
}

/// <summary>The plain path's typed envelope of the input.</summary>
public sealed record PlainOrderPlacedEnvelope(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("data")] OrderPlaced Data);

/// <summary>The plain path's typed envelope of the output.</summary>
public sealed record PlainAuthorizedEnvelope(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] PaymentAuthorized Data);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PlainOrderPlacedEnvelope))]
[JsonSerializable(typeof(PlainAuthorizedEnvelope))]
internal sealed partial class PlainJsonContext : JsonSerializerContext;
