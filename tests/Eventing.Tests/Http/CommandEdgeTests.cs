using System.Net;
using Microsoft.Extensions.Logging;
using Store.Eventing.Http;

namespace Store.Eventing.Tests.Http;

/// <summary>The kit's command edge (<see cref="HttpEdge.ReadCommandAsync"/>, then <see cref="HttpEdge.ExecuteAsync"/>): what runs, and what a client is answered, per kind of failure.</summary>
public sealed class CommandEdgeTests
{
    private static readonly BodyRules Rules = new(1024);

    private readonly CapturedLog _log = new();
    private int _executed;

    private sealed record Receive(int Quantity);

    private static Validated<Receive> Validate(JsonElement? body) =>
        body?.GetProperty("quantity").GetInt32() is > 0 and var quantity ? new(new Receive(quantity), new Dictionary<string, string[]>())
        : Validated<Receive>.Invalid("quantity", "quantity must be at least 1.");

    private async Task<InMemoryHttpResponse> SendAsync(string? json, Func<Receive, Task<int>> execute)
    {
        var req = InMemoryHttpRequest.Json(EventBatches.FunctionContextFor("0"), "POST", "/api/receipts", json);
        var (command, rejected) = await HttpEdge.ReadCommandAsync(req, Rules, Validate, CancellationToken.None);
        if (command is null)
        {
            return (InMemoryHttpResponse)rejected!;
        }

        var (outcome, unavailable) = await HttpEdge.ExecuteAsync(req, _ =>
            {
                _executed++;
                return execute(command);
            }, _log, CancellationToken.None);
        return (InMemoryHttpResponse)(unavailable
            ?? await HttpEdge.JsonAsync(req, HttpStatusCode.Accepted, Encoding.UTF8.GetBytes($$"""{"quantity":{{command.Quantity}},"outcome":{{outcome}}}"""), CancellationToken.None));
    }

    [Fact]
    public async Task AValidCommand_RunsOnce_AndIsAnsweredWithItsOutcome()
    {
        var response = await SendAsync("""{"quantity":3}""", c => Task.FromResult(c.Quantity * 2));

        Assert.Equal((HttpStatusCode.Accepted, """{"quantity":3,"outcome":6}""", 1), (response.StatusCode, response.ReadBody(), _executed));
    }

    [Theory]
    [InlineData("""{"quantity":0}""", "quantity")]
    [InlineData("""{"quantity":1,"quantity":2}""", "body")]
    [InlineData(null, "body")]
    public async Task ABadBody_Is400_AndNothingRuns(string? json, string field)
    {
        var response = await SendAsync(json, _ => Task.FromResult(0));

        Assert.Equal((HttpStatusCode.BadRequest, 0), (response.StatusCode, _executed));
        Assert.True(JsonDocument.Parse(response.ReadBody()).RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task StorageOrEventHubsUnavailable_Is503_WithRetryAfter_AndAWarning()
    {
        var response = await SendAsync("""{"quantity":1}""", _ => throw new RequestFailedException(503, "Server busy"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("Retry-After")));
        var (level, message) = Assert.Single(_log.Entries);
        Assert.Equal((LogLevel.Warning, "POST /api/receipts answered 503: storage or Event Hubs unavailable; the same request may be sent again"), (level, message));
    }

    [Fact]
    public async Task ABug_IsNotDisguisedAsUnavailable_ItPropagates()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => SendAsync("""{"quantity":1}""", _ => throw new InvalidOperationException("bug")));
        Assert.Empty(_log.Entries);
    }

    private sealed class CapturedLog : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
