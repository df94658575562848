using Azure.Core.Pipeline;

namespace Store.LocalHost.Hosting;

/// <summary>
/// The outage faults of <see cref="FaultOptions"/>: a seeded coin per Event Hubs publish and per try of a Table request.
/// Each context app gets a publisher wrapped by <see cref="Publisher"/> and a Table pipeline policy from
/// <see cref="TablePolicy"/> (per try, in front of Azurite: the SDK's own retries see the 503 as they would in Azure), so
/// trigger, timer and HTTP functions see the same outage. A per-request coin in front of the SDK's retries would fail a
/// batch that needs a hundred point reads almost surely at p = 0.1, which no real outage of that rate does.
/// </summary>
public sealed class FaultInjector(FaultOptions faults, int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <summary>The faults.</summary>
    public FaultOptions Faults => faults;

    /// <summary>While true, every Event Hubs publish fails (an outage of any length, for tests).</summary>
    public bool PublishOutage { get; set; }

    /// <summary>While true, every Table request fails (an outage of any length, for tests).</summary>
    public bool TableOutage { get; set; }

    /// <summary>Flips the seeded coin.</summary>
    public bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }

        lock (_gate)
        {
            return _random.NextDouble() < probability;
        }
    }

    /// <summary>The publisher of a context: fails with <see cref="FaultOptions.PublishFail"/> (or during an outage) before anything is sent.</summary>
    public IEventPublisher Publisher(IEventPublisher inner, ContextStats stats) => new FaultInjectingPublisher(this, inner, stats);

    /// <summary>The Table pipeline policy of a context: a request fails with 503 with <see cref="FaultOptions.TableFail"/>.</summary>
    public HttpPipelinePolicy TablePolicy(ContextStats stats, bool countEntities = false) => new TableFaultPolicy(this, stats, countEntities);

    /// <summary>A context's publisher in the local host: the embedded log behind the injected publish failures.</summary>
    public sealed class FaultInjectingPublisher(FaultInjector injector, IEventPublisher inner, ContextStats stats) : IEventPublisher
    {
        /// <summary>The publisher that appends to the log.</summary>
        public IEventPublisher Inner => inner;

        /// <inheritdoc />
        public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
        {
            if (events.Count > 0 && (injector.PublishOutage || injector.Roll(injector.Faults.PublishFail)))
            {
                stats.InjectedPublishFailure();
                throw new EventHubsException(isTransient: true, events[0].Hub, "Injected fault: the Event Hubs namespace is busy (503).", EventHubsException.FailureReason.ServiceBusy);
            }

            return inner.PublishAsync(events, cancellationToken);
        }
    }

    private sealed class TableFaultPolicy(FaultInjector injector, ContextStats stats, bool countEntities) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (!Fail(message))
            {
                ProcessNext(message, pipeline);
            }
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            Fail(message) ? ValueTask.CompletedTask : ProcessNextAsync(message, pipeline);

        /// <summary>Answers the try with 503 instead of sending it (the request never reaches Azurite).</summary>
        private bool Fail(HttpMessage message)
        {
            if (!injector.TableOutage && !injector.Roll(injector.Faults.TableFail))
            {
                stats.TableRequest(message.Request, countEntities);
                return false;
            }

            stats.InjectedTableFailure();
            message.Response = new UnavailableResponse(message.Request.ClientRequestId);
            return true;
        }
    }

    /// <summary>The 503 the storage service sends when it is busy or unavailable.</summary>
    private sealed class UnavailableResponse : Response
    {
        // The transport marks error responses (IsError has no public setter); this response never went through it.
        private static readonly System.Reflection.PropertyInfo IsErrorProperty = typeof(Response).GetProperty(nameof(IsError))!;

        public UnavailableResponse(string clientRequestId)
        {
            ClientRequestId = clientRequestId;
            IsErrorProperty.SetValue(this, true);
        }

        private static readonly byte[] Body = System.Text.Encoding.UTF8.GetBytes(
            """{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"Injected fault: the Table service is unavailable."}}}""");

        public override int Status => 503;

        public override string ReasonPhrase => "Service Unavailable";

        public override Stream? ContentStream { get; set; } = new MemoryStream(Body, writable: false);

        public override string ClientRequestId { get; set; }

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ? "application/json;odata=minimalmetadata" : null;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = TryGetHeader(name, out var value) ? [value] : null;
            return values is not null;
        }

        protected override bool ContainsHeader(string name) => TryGetHeader(name, out _);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [new HttpHeader("Content-Type", "application/json;odata=minimalmetadata")];
    }
}
