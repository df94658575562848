using System.Net.Http.Headers;
using Json.Schema;
using Microsoft.AspNetCore.Builder;

namespace Store.LocalHost.Tests.Http;

/// <summary>
/// The local host's HTTP front end (Kestrel → the same dispatcher and function classes <c>--serve</c> uses) with
/// every context, a fresh Azurite, and the Tracking and Inventory consumers running so the queries have views to serve.
/// </summary>
public sealed class EdgeFuzzHost : IAsyncLifetime
{
    private FreshAzurite? _azurite;
    private WebApplication? _kestrel;

    public LocalFunctionsHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public StringWriter Errors { get; } = new();

    public async Task InitializeAsync()
    {
        _azurite = await FreshAzurite.StartAsync(CancellationToken.None);
        Host = await LocalFunctionsHost.StartAsync(
            new LocalHostOptions(_azurite.ConnectionString) { RetryDelayScale = 0.001, Error = TextWriter.Synchronized(Errors) }, CancellationToken.None);
        Host.StartConsumers(context => context is "Tracking" or "Inventory");
        var port = FreePort();
        _kestrel = await KestrelFrontEnd.StartAsync(Host, port, CancellationToken.None);
        Client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_kestrel is not null)
        {
            await _kestrel.DisposeAsync();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>Events the HTTP ingress functions wrote (order-placed/-cancelled and stock-received); consumers' outputs are not counted.</summary>
    public int IngressEvents() =>
        Host.Log.ReadAll("sales-orders").Count +
        Host.Log.ReadAll("inventory-stock").Count(e => JsonDocument.Parse(e.Body).RootElement.GetProperty("type").GetString() == "inventory.stock-received.v1");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Property-based fuzz of every HTTP function through the pipeline the local host serves. Requests are mutations of valid
/// ones (<see cref="EdgeMutations"/>). For every answer: 2xx or 4xx, never 5xx; a 4xx is problem details whose status is the
/// answer's; no answer carries an exception's name or stack; a 2xx only for a body the request schema in
/// <c>schemas/http/</c> accepts. A rejected request leaves nothing behind: no event, and the valid request with the same id
/// sent next is accepted as new. Iterations per endpoint: <c>EDGE_FUZZ_ITERATIONS</c> (default 120); seed:
/// <c>EDGE_FUZZ_SEED</c> (CsCheck prints the failing one, shrunk).
/// </summary>
public sealed partial class EdgeFuzzTests(EdgeFuzzHost fixture, ITestOutputHelper output) : IClassFixture<EdgeFuzzHost>
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("EDGE_FUZZ_ITERATIONS"), out var n) ? n : 120;
    private static readonly string? Seed = Environment.GetEnvironmentVariable("EDGE_FUZZ_SEED") is { Length: > 0 } s ? s : null;
    private static readonly ConcurrentDictionary<string, int> Sent = new();
    private static int s_ids;

    private static readonly Gen<Mutation> BodyMutations = Mutations(Gen.OneOf(Enum.GetValues<MutationKind>().Where(k => k != MutationKind.RouteId).ToArray()));

    private static readonly Gen<Mutation> AnyMutation = Mutations(Gen.OneOf(Enum.GetValues<MutationKind>()));

    private static readonly Gen<Mutation> QueryMutations = Mutations(
        Gen.OneOf(MutationKind.None, MutationKind.RouteId, MutationKind.ContentType, MutationKind.InvalidUtf8Anywhere));

    /// <summary>Mutations of these kinds, each with two random parameters.</summary>
    private static Gen<Mutation> Mutations(Gen<MutationKind> kinds) =>
        Gen.Select(kinds, Gen.Int[0, 10_000], Gen.Int[0, 10_000], (kind, a, b) => new Mutation(kind, a, b));

    [Fact]
    public Task PlaceOrder_NeverAnswers5xx_AndRejectedOrdersLeaveNothingBehind() =>
        FuzzCommandAsync("POST /api/orders", BodyMutations, "place-order.request.json", bodyOptional: false,
            PostingTo("/api/orders", OrderJson));

    [Fact]
    public Task CancelOrder_NeverAnswers5xx_AndRejectedCancelsLeaveNothingBehind() =>
        FuzzCommandAsync("POST /api/orders/{id}/cancel", AnyMutation, "cancel-order.request.json", bodyOptional: true, async (mutation, id) =>
        {
            var placed = await SendAsync(Valid("POST", _ => "/api/orders", id, OrderJson(id)));
            Assert.Equal(HttpStatusCode.Accepted, placed.Status);
            var request = EdgeMutations.Apply(mutation, "POST", route => $"/api/orders/{route}/cancel", id, CancelJson);
            return (request, () => SendAsync(Valid("POST", route => $"/api/orders/{route}/cancel", id, CancelJson)));
        });

    [Fact]
    public Task ReceiveStock_NeverAnswers5xx_AndRejectedReceiptsLeaveNothingBehind() =>
        FuzzCommandAsync("POST /api/stock/receipts", BodyMutations, "stock-receipt.request.json", bodyOptional: false,
            PostingTo("/api/stock/receipts", ReceiptJson));

    [Fact]
    public Task GetOrder_NeverAnswers5xx() => FuzzQueryAsync("GET /api/orders/{id}", id => $"/api/orders/{id}", "order");

    [Fact]
    public Task GetStock_NeverAnswers5xx() => FuzzQueryAsync("GET /api/stock/{sku}", id => $"/api/stock/{id}", "sku");

    [Fact]
    public Task GetCustomerLoyalty_NeverAnswers5xx() => FuzzQueryAsync("GET /api/customers/{id}/loyalty", id => $"/api/customers/{id}/loyalty", "customer");

    /// <summary>The invariants that hold for every answer: no 5xx, problem details on 4xx, no internals anywhere.</summary>
    private static void AssertWellFormed(FuzzRequest request, Answer answer)
    {
        var code = (int)answer.Status;
        Assert.True(code is >= 200 and < 500, $"{request} answered {code}: {answer.Text}");
        Assert.False(Internals().IsMatch(answer.Text), $"{request} answered {code} with internals: {answer.Text}");
        if (code >= 400)
        {
            Assert.True(answer.MediaType == "application/problem+json", $"{request} answered {code} as {answer.MediaType}: {answer.Text}");
            using var problem = JsonDocument.Parse(answer.Body);
            Assert.Equal(code, problem.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()), answer.Text);
            Assert.True(Uri.TryCreate(problem.RootElement.GetProperty("type").GetString(), UriKind.Absolute, out _), answer.Text);
        }
        else
        {
            Assert.True(answer.MediaType == "application/json", $"{request} answered {code} as {answer.MediaType}");
        }
    }

    /// <summary>The mutated body goes to a fixed path; the follow-up posts the valid body for the same id there.</summary>
    private Func<Mutation, string, Task<(FuzzRequest Request, Func<Task<Answer>> FollowUp)>> PostingTo(string path, Func<string, string> bodyFor) =>
        (mutation, id) => Task.FromResult<(FuzzRequest, Func<Task<Answer>>)>((
            EdgeMutations.Apply(mutation, "POST", _ => path, id, bodyFor(id)),
            () => SendAsync(Valid("POST", _ => path, id, bodyFor(id)))));

    private async Task FuzzCommandAsync(
        string endpoint, Gen<Mutation> mutations, string schemaFile, bool bodyOptional,
        Func<Mutation, string, Task<(FuzzRequest Request, Func<Task<Answer>> FollowUp)>> prepare)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "schemas", "http", schemaFile)));
        var errorsBefore = fixture.Errors.ToString().Length;
        await mutations.SampleAsync(async mutation =>
        {
            var id = $"FZ-{Interlocked.Increment(ref s_ids)}-{mutation.Kind}";
            var (request, followUp) = await prepare(mutation, id);
            var before = fixture.IngressEvents();
            var answer = await SendAsync(request);
            AssertWellFormed(request, answer);
            var after = fixture.IngressEvents();
            if ((int)answer.Status is >= 200 and < 300)
            {
                var why = WhyUnacceptable(request, schema, bodyOptional);
                Assert.True(why is null, $"{request} was accepted ({answer.Status}) though {why}");
                return;
            }

            // Rejected: no event, and the valid request with the same id behaves as if the rejected one never happened.
            Assert.True(before == after, $"{request} was rejected ({answer.Status}) but {after - before} event(s) were written");
            var valid = await followUp();
            Assert.True(valid.Status == HttpStatusCode.Accepted, $"after {request} ({answer.Status}), the valid request answered {valid.Status}: {valid.Text}");
            Assert.True(fixture.IngressEvents() == after + 1, $"after {request} ({answer.Status}), the valid request wrote {fixture.IngressEvents() - after} event(s), not 1");
        }, seed: Seed, iter: Iterations, threads: 1, print: m => m.ToString());

        Report(endpoint);
        Assert.DoesNotContain("threw", fixture.Errors.ToString()[errorsBefore..], StringComparison.Ordinal);
    }

    private async Task FuzzQueryAsync(string endpoint, Func<string, string> pathFor, string kind)
    {
        // Some ids exist: an order placed and a receipt for its SKU, seen by Tracking and Inventory.
        var known = $"Q-{Interlocked.Increment(ref s_ids)}";
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Valid("POST", _ => "/api/stock/receipts", known, ReceiptJson(known)))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Valid("POST", _ => "/api/orders", known, OrderJson(known)))).Status);
        await fixture.Host.WaitForQuiescenceAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        var existing = kind switch { "order" => known, "sku" => "SKU-FUZZ", _ => "C-FUZZ" };
        var ok = 0;
        await QueryMutations.SampleAsync(async mutation =>
        {
            var request = EdgeMutations.Apply(mutation, "GET", pathFor, mutation.A % 2 == 0 ? existing : $"unknown-{mutation.B}", mutation.Kind == MutationKind.None ? null : "{}");
            var answer = await SendAsync(request);
            AssertWellFormed(request, answer);
            ok += answer.Status == HttpStatusCode.OK ? 1 : 0;
        }, seed: Seed, iter: Iterations, threads: 1, print: m => m.ToString());

        Report(endpoint);
        if (kind != "customer")
        {
            // Loyalty sees no shipments here (its consumers do not run), so only the other two queries can answer 200.
            Assert.True(ok > 0, $"no query of an existing {kind} answered 200");
        }
    }

    private void Report(string endpoint)
    {
        var line = $"{endpoint}: {Sent.GetValueOrDefault(endpoint, 0)} fuzzed requests";
        output.WriteLine(line);
        Console.WriteLine("edge fuzz " + line);
    }

    private async Task<Answer> SendAsync(FuzzRequest request)
    {
        Sent.AddOrUpdate(request.Method + " " + Endpoint(request.Path), 1, (_, c) => c + 1);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Path, UriKind.Relative));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        if (request.ContentType is not null)
        {
            message.Content ??= new ByteArrayContent([]);
            message.Content.Headers.Remove("Content-Type");
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        using var response = await fixture.Client.SendAsync(message);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    private static string Endpoint(string path) => path switch
    {
        "/api/orders" => "/api/orders",
        "/api/stock/receipts" => "/api/stock/receipts",
        _ when path.EndsWith("/cancel", StringComparison.Ordinal) => "/api/orders/{id}/cancel",
        _ when path.EndsWith("/loyalty", StringComparison.Ordinal) => "/api/customers/{id}/loyalty",
        _ when path.StartsWith("/api/stock/", StringComparison.Ordinal) => "/api/stock/{sku}",
        _ => "/api/orders/{id}",
    };

    /// <summary>Why the request must not be accepted, or null when its body is acceptable (JSON, UTF-8, unique names, schema-valid).</summary>
    private static string? WhyUnacceptable(FuzzRequest request, JsonSchema schema, bool bodyOptional)
    {
        if (request.Body is not { Length: > 0 } body)
        {
            return bodyOptional ? null : "the body is empty";
        }

        if (request.ContentType is null || !MediaTypeHeaderValue.TryParse(request.ContentType, out var media) || media.MediaType is not { } type ||
            !(type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return $"its content type is '{request.ContentType}'";
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return "the body is not UTF-8";
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 256 });
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            return result.IsValid ? null : "the request schema rejects it: " + string.Join("; ",
                (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
        }
        catch (JsonException ex)
        {
            return "the body is not JSON with unique names: " + ex.Message;
        }
        catch (InvalidOperationException ex)
        {
            return "a string in the body is not valid text: " + ex.Message;
        }
    }

    private const string CancelJson = """{"reason":"changed my mind"}""";

    private static FuzzRequest Valid(string method, Func<string, string> pathFor, string id, string body) =>
        EdgeMutations.Apply(new Mutation(MutationKind.None, 0, 0), method, pathFor, id, body);

    private static string OrderJson(string id) =>
        $$"""{"orderId":{{JsonSerializer.Serialize(id)}},"customerId":"C-FUZZ","lines":[{"sku":"SKU-FUZZ","quantity":2,"unitPrice":12.5},{"sku":"SKU-OTHER","quantity":1,"unitPrice":0}],"currency":"EUR"}""";

    private static string ReceiptJson(string id) => $$"""{"receiptId":{{JsonSerializer.Serialize(id)}},"sku":"SKU-FUZZ","quantity":5}""";

    [GeneratedRegex(@"Exception|\bat [\w.<>`]+\(|   at |\.cs:line", RegexOptions.CultureInvariant)]
    private static partial Regex Internals();

    private sealed record Answer(HttpStatusCode Status, string? MediaType, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }
}
