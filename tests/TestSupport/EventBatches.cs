using System.Text;
using Moq;

namespace Store.TestSupport;

/// <summary>Builds trigger input the way the Event Hubs trigger delivers it.</summary>
public static class EventBatches
{
    /// <summary>An <see cref="EventData"/> as received from a partition (via <see cref="EventHubsModelFactory"/>).</summary>
    public static EventData Received(byte[] body, long sequenceNumber, string? partitionKey = null, DateTimeOffset? enqueued = null, IDictionary<string, object>? properties = null) =>
        EventHubsModelFactory.EventData(
            new BinaryData(body),
            properties: properties ?? new Dictionary<string, object>(),
            systemProperties: new Dictionary<string, object>(),
            partitionKey: partitionKey,
            sequenceNumber: sequenceNumber,
            offsetString: (sequenceNumber * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            enqueuedTime: enqueued ?? DateTimeOffset.UtcNow);

    /// <summary>Raw text as a received event (for malformed input).</summary>
    public static EventData ReceivedText(string body, long sequenceNumber) => Received(Encoding.UTF8.GetBytes(body), sequenceNumber);

    /// <summary>Turns published events into a received batch with consecutive sequence numbers from <paramref name="firstSequence"/>.</summary>
    public static EventData[] AsReceived(IEnumerable<OutgoingEvent> events, long firstSequence = 1) =>
        events.Select((e, i) => Received(e.Body, firstSequence + i, e.PartitionKey)).ToArray();

    /// <summary>A CloudEvent body for <paramref name="data"/> encoded by <paramref name="codec"/>.</summary>
    public static byte[] CloudEvent<T>(CloudEventCodec codec, string type, string id, string subject, T data, DateTimeOffset? time = null) =>
        codec.Encode(new CloudEventHeader(id, type, "/tests", subject, time ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), data);

    /// <summary>
    /// A <see cref="FunctionContext"/> (mocked at the SDK boundary) whose trigger binding data names the partition, and the
    /// hub and consumer group when given (the Event Hubs trigger's serialized <c>PartitionContext</c>).
    /// </summary>
    public static FunctionContext FunctionContextFor(string partitionId, string functionName = "test", string? hub = null, string? consumerGroup = null, int retryCount = 0)
    {
        var partition = new Dictionary<string, string> { ["PartitionId"] = partitionId };
        if (hub is not null)
        {
            partition["EventHubName"] = hub;
        }

        if (consumerGroup is not null)
        {
            partition["ConsumerGroup"] = consumerGroup;
        }

        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(new Dictionary<string, object?> { ["PartitionContext"] = System.Text.Json.JsonSerializer.Serialize(partition) });
        var retry = new Mock<RetryContext>();
        retry.SetupGet(r => r.RetryCount).Returns(retryCount);
        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns(functionName);
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.InvocationId).Returns(Guid.NewGuid().ToString());
        context.SetupGet(c => c.RetryContext).Returns(retry.Object);
        return context.Object;
    }
}

/// <summary>An in-memory <see cref="IEventPublisher"/> that records what was published and can fail on demand.</summary>
public sealed class RecordingPublisher : IEventPublisher
{
    private readonly List<OutgoingEvent> _published = [];
    private readonly Lock _gate = new();

    /// <summary>When set, the next publish throws this (once).</summary>
    public Exception? FailNext { get; set; }

    /// <summary>Everything published, in order.</summary>
    public IReadOnlyList<OutgoingEvent> Published
    {
        get
        {
            lock (_gate)
            {
                return _published.ToArray();
            }
        }
    }

    /// <summary>Published events to one hub.</summary>
    public IReadOnlyList<OutgoingEvent> To(string hub) => Published.Where(e => e.Hub == hub).ToArray();

    /// <summary>Forgets what was recorded.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _published.Clear();
        }
    }

    /// <summary>
    /// When set, the next publish completes <see cref="Held"/> and then waits for this task (once), so a test can run
    /// something while an invocation has committed but not yet published.
    /// </summary>
    public Task? HoldNext { get; set; }

    /// <summary>Completes when a publish is being held by <see cref="HoldNext"/>.</summary>
    public Task Held => _held.Task;

    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public async Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        if (HoldNext is { } hold)
        {
            HoldNext = null;
            _held.TrySetResult();
            await hold.ConfigureAwait(false);
        }

        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }

        lock (_gate)
        {
            _published.AddRange(events);
        }
    }
}
