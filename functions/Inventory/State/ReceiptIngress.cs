using System.Net;

namespace Store.Inventory.State;

/// <summary>An HTTP answer: status, body and content type.</summary>
public sealed record HttpAnswer(HttpStatusCode Status, byte[] Body, string ContentType)
{
    /// <summary>A JSON answer.</summary>
    public static HttpAnswer Json(HttpStatusCode status, byte[] body) => new(status, body, "application/json; charset=utf-8");

    /// <summary>A problem-details answer.</summary>
    public static HttpAnswer Problem(HttpStatusCode status, string title, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null) =>
        From(new EdgeProblem(status, title, detail, errors));

    /// <summary>The problem-details answer of the kit's edge.</summary>
    public static HttpAnswer From(EdgeProblem problem) => new(problem.Status, HttpEdge.ToJson(problem), "application/problem+json; charset=utf-8");
}

/// <summary>
/// <c>POST /api/stock/receipts</c>: validates, records the request with its stock-received event (table
/// "inventoryreceipts", one row per receipt id; the kit's <see cref="EntityCommands{TState}"/> commits, publishes and
/// confirms it). The stock itself changes only when Inventory's processor consumes stock-received from its own stream.
/// </summary>
public sealed class ReceiptIngress(EntityCommands<ReceiptRequest> receipts, TimeProvider time)
{
    private const string Role = "stock-received";

    /// <summary>Handles one request body.</summary>
    public async Task<HttpAnswer> ReceiveAsync(ReadOnlyMemory<byte> body, string? traceParent, CancellationToken ct)
    {
        var validation = ReceiptDecisions.Validate(body.Span);
        if (validation.Receipt is not { } receipt)
        {
            return HttpAnswer.Problem(HttpStatusCode.BadRequest, "The stock receipt is invalid.", errors: validation.Errors);
        }

        return await receipts.ExecuteAsync(new EntityKey(TableKeys.Escape(receipt.ReceiptId), "receipt"), accepted =>
            ReceiptDecisions.Decide(accepted, receipt) switch
            {
                ReceiptIngressDecision.Conflict => new CommandDecision<ReceiptRequest, HttpAnswer>(HttpAnswer.Problem(HttpStatusCode.Conflict, "Receipt id already used.",
                    $"Receipt '{receipt.ReceiptId}' was already accepted as {accepted!.Quantity} x '{accepted.Sku}'.")),
                ReceiptIngressDecision.Repeat => new(Accepted(accepted!)),
                _ => Accept(new ReceiptRequest(receipt.ReceiptId, receipt.Sku, receipt.Quantity, EventIdOf(receipt.ReceiptId)),
                    new Emit(receipt, Role, new EventCause(Scope(receipt.ReceiptId), time.GetUtcNow(), traceParent))),
            }, ct).ConfigureAwait(false);
    }

    /// <summary>The id of the stock-received event of a receipt: derived from the receipt id, so repeats never make a second event.</summary>
    public static string EventIdOf(string receiptId) => EventIds.Derive(Scope(receiptId), Role);

    private static string Scope(string receiptId) => "stock-receipt:" + receiptId;

    private static CommandDecision<ReceiptRequest, HttpAnswer> Accept(ReceiptRequest request, Emit received) => new(Accepted(request), request, [received]);

    private static HttpAnswer Accepted(ReceiptRequest request) =>
        HttpAnswer.Json(HttpStatusCode.Accepted, JsonSerializer.SerializeToUtf8Bytes(
            new StockReceiptAccepted(request.ReceiptId, request.Sku, request.Quantity, request.EventId), InventoryJson.Default.StockReceiptAccepted));
}

/// <summary><c>GET /api/stock/{sku}</c>: the SKU's stock levels from the stock partition.</summary>
public sealed class StockQueries(TableStateStore<StockRow> store, int shards = 1)
{
    /// <summary>The SKU's levels; null when Inventory has never heard of it.</summary>
    public async Task<StockLevel?> GetAsync(string sku, CancellationToken ct) =>
        (await store.FindAsync(new EntityKey(Decisions.StockShards.Partition(Decisions.StockShards.Of(sku, shards), shards), StockKeys.Sku(sku)), ct).ConfigureAwait(false))?.Sku is { } s
            ? new StockLevel(s.Sku, s.Available, s.Reserved, s.Committed, s.Received)
            : null;

    /// <summary>The HTTP answer for <paramref name="sku"/>.</summary>
    public async Task<HttpAnswer> AnswerAsync(string sku, CancellationToken ct) =>
        await GetAsync(sku, ct).ConfigureAwait(false) is { } level
            ? HttpAnswer.Json(HttpStatusCode.OK, JsonSerializer.SerializeToUtf8Bytes(level, InventoryJson.Default.StockLevel))
            : HttpAnswer.Problem(HttpStatusCode.NotFound, "Unknown SKU.", $"Inventory has no stock record for SKU '{sku}'.");
}
