using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Store.TestSupport;

/// <summary>
/// An Azure.Core transport that makes Azurite behave like Azure Table storage where it matters for throughput:
/// a fixed latency per request, and the service's scalability targets (by default 2,000 entities/s per partition and
/// 20,000 entities/s per account), answered as the service answers them: <c>503 ServerBusy</c>, before the request
/// reaches Azurite. Set it as the clients' transport (<c>options.Transport = model</c>): every attempt, retries
/// included, pays the latency and is counted, and the SDK classifies the model's answers as it does the service's.
/// </summary>
/// <remarks>
/// Entities are counted per operation: one per point read or write, one per operation of an entity-group transaction,
/// and one per entity a query returns (charged after the answer, so a large query overdraws the budget and the next
/// requests wait). Budgets are token buckets that refill continuously and hold at most one second of their rate; a
/// request is admitted while its buckets are not in debt. Table create/delete are not counted.
/// Targets: https://learn.microsoft.com/azure/storage/tables/scalability-targets
/// </remarks>
public sealed partial class AzureTablesModel : HttpPipelineTransport
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Bucket> _partitions = new(StringComparer.Ordinal);
    private readonly Bucket _account;
    private readonly TimeProvider _time;
    private long _requests, _throttled, _entities;

    private readonly HttpPipelineTransport _inner;

    public AzureTablesModel(TimeSpan latency = default, double partitionEntitiesPerSecond = 2_000, double accountEntitiesPerSecond = 20_000, TimeProvider? time = null, HttpPipelineTransport? inner = null)
    {
        _inner = inner ?? HttpClientTransport.Shared;
        ArgumentOutOfRangeException.ThrowIfNegative(latency.Ticks, nameof(latency));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionEntitiesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(accountEntitiesPerSecond);
        Latency = latency;
        PartitionRate = partitionEntitiesPerSecond;
        AccountRate = accountEntitiesPerSecond;
        _time = time ?? TimeProvider.System;
        _account = new Bucket(AccountRate, _time.GetTimestamp());
    }

    public TimeSpan Latency { get; }

    public double PartitionRate { get; }

    public double AccountRate { get; }

    /// <summary>Requests that reached the model (each retry counts).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests answered 503 ServerBusy by the model.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Entities admitted (read or written).</summary>
    public long Entities => Interlocked.Read(ref _entities);

    public override Request CreateRequest() => _inner.CreateRequest();

    public override void Process(HttpMessage message) => ProcessAsync(message, async: false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message) => ProcessAsync(message, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, bool async)
    {
        Interlocked.Increment(ref _requests);
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, _time, message.CancellationToken).ConfigureAwait(false);
        }

        var (partition, cost, isQuery) = Classify(message.Request);
        if (cost > 0 && !TryAdmit(partition, cost))
        {
            Interlocked.Increment(ref _throttled);
            message.Response = ServerBusy(message.Request.ClientRequestId);
            return;
        }

        if (async)
        {
            await _inner.ProcessAsync(message).ConfigureAwait(false);
        }
        else
        {
            _inner.Process(message);
        }

        if (isQuery && message.Response.Status == 200 && await ReturnedEntitiesAsync(message.Response, async, message.CancellationToken).ConfigureAwait(false) is var returned and > 1)
        {
            Charge(partition, returned - 1);
        }
    }

    /// <summary>The partition (null: unknown or several), the entities charged up front, and whether it is a query.</summary>
    internal static (string? Partition, int Cost, bool IsQuery) Classify(Request request)
    {
        var path = request.Uri.Path;
        if (path.EndsWith("/$batch", StringComparison.Ordinal))
        {
            var body = ReadBody(request);
            var operations = BatchOperation().Count(body);
            return (PartitionIn(body), operations, false);
        }

        var lastSegment = path[(path.LastIndexOf('/') + 1)..];
        if (lastSegment.StartsWith("Tables", StringComparison.Ordinal))
        {
            return (null, 0, false); // table create, delete, list
        }

        if (KeyInPath().Match(Uri.UnescapeDataString(lastSegment)) is { Success: true } key)
        {
            return (Unquote(key.Groups["pk"].Value), 1, false); // point read, update, delete
        }

        if (request.Method == RequestMethod.Get)
        {
            var filter = FilterPartition().Match(Uri.UnescapeDataString(request.Uri.Query));
            return (filter.Success ? Unquote(filter.Groups["pk"].Value) : null, 1, true);
        }

        return (PartitionIn(ReadBody(request)), 1, false); // insert
    }

    private bool TryAdmit(string? partition, int cost)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            var bucket = partition is null ? null : PartitionBucket(partition, now);
            if (!_account.HasCredit(now, _time) || (bucket is not null && !bucket.HasCredit(now, _time)))
            {
                return false;
            }

            _account.Take(cost);
            bucket?.Take(cost);
        }

        Interlocked.Add(ref _entities, cost);
        return true;
    }

    private void Charge(string? partition, int cost)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _account.Refill(now, _time);
            _account.Take(cost);
            if (partition is not null)
            {
                var bucket = PartitionBucket(partition, now);
                bucket.Refill(now, _time);
                bucket.Take(cost);
            }
        }

        Interlocked.Add(ref _entities, cost);
    }

    private Bucket PartitionBucket(string partition, long now)
    {
        if (!_partitions.TryGetValue(partition, out var bucket))
        {
            bucket = new Bucket(PartitionRate, now);
            _partitions.Add(partition, bucket);
        }

        return bucket;
    }

    /// <summary>Counts the entities of a query answer; buffers the body (at the transport it is still the network stream).</summary>
    private static async ValueTask<int> ReturnedEntitiesAsync(Response response, bool async, CancellationToken cancellationToken)
    {
        if (response.ContentStream is not { } stream)
        {
            return 0;
        }

        var buffered = new MemoryStream();
        if (async)
        {
            await stream.CopyToAsync(buffered, cancellationToken).ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            stream.CopyTo(buffered);
            stream.Dispose();
        }

        buffered.Position = 0;
        response.ContentStream = buffered;
        try
        {
            using var document = JsonDocument.Parse(buffered.GetBuffer().AsMemory(0, (int)buffered.Length));
            return document.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private static string ReadBody(Request request)
    {
        if (request.Content is null)
        {
            return "";
        }

        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? PartitionIn(string body)
    {
        if (KeyInUrl().Match(body) is { Success: true } url)
        {
            return Unquote(Uri.UnescapeDataString(url.Groups["pk"].Value));
        }

        return KeyInJson().Match(body) is { Success: true } json ? JsonSerializer.Deserialize<string>(json.Groups["pk"].Value) : null;
    }

    private static string Unquote(string value) => value.Replace("''", "'", StringComparison.Ordinal);

    private static SyntheticResponse ServerBusy(string clientRequestId) =>
        new(503, "Server Busy", clientRequestId, "ServerBusy",
            """{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"The server is busy. (modelled scalability target)"}}}""");

    // One request line per operation inside a changeset.
    [GeneratedRegex(@"^(?:POST|PUT|MERGE|PATCH|DELETE|GET) \S+ HTTP/1\.1\r?$", RegexOptions.Multiline)]
    private static partial Regex BatchOperation();

    [GeneratedRegex(@"\(PartitionKey='(?<pk>(?:[^']|'')*)',RowKey='(?:[^']|'')*'\)$")]
    private static partial Regex KeyInPath();

    [GeneratedRegex(@"\(PartitionKey=(?:'|%27)(?<pk>(?:[^'%]|%(?!27)|''|%27%27)*)(?:'|%27),RowKey=")]
    private static partial Regex KeyInUrl();

    [GeneratedRegex("\"PartitionKey\"\\s*:\\s*(?<pk>\"(?:[^\"\\\\]|\\\\.)*\")")]
    private static partial Regex KeyInJson();

    [GeneratedRegex(@"PartitionKey eq '(?<pk>(?:[^']|'')*)'")]
    private static partial Regex FilterPartition();

    private sealed class Bucket(double rate, long start)
    {
        private readonly double _rate = rate;
        private double _tokens = rate; // one second of burst
        private long _last = start;

        public bool HasCredit(long now, TimeProvider time)
        {
            Refill(now, time);
            return _tokens >= 0;
        }

        public void Refill(long now, TimeProvider time)
        {
            if (now > _last)
            {
                _tokens = Math.Min(_rate, _tokens + (_rate * time.GetElapsedTime(_last, now).TotalSeconds));
                _last = now;
            }
        }

        public void Take(int cost) => _tokens -= cost;
    }

    /// <summary>An answer made by the model without a round trip.</summary>
    private sealed class SyntheticResponse(int status, string reason, string clientRequestId, string errorCode, string body) : Response
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase)
        {
            ["x-ms-error-code"] = errorCode,
            ["Content-Type"] = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
            ["x-ms-request-id"] = Guid.NewGuid().ToString(),
        };

        public override int Status => status;

        public override string ReasonPhrase => reason;

        public override Stream? ContentStream { get; set; } = new MemoryStream(Encoding.UTF8.GetBytes(body));

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            var found = _headers.TryGetValue(name, out var value);
            values = found ? [value!] : null;
            return found;
        }
    }
}
