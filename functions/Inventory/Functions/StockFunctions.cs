using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace Store.Inventory.Functions;

/// <summary>
/// HTTP edge of Inventory: goods receipts (a command recorded with its stock-received event, one row per receipt id) and
/// stock levels (query). Stock changes only when Inventory consumes stock-received from its own stream.
/// </summary>
public sealed class StockFunctions(EntityCommands<ReceiptRequest> receipts, TableStateStore<StockRow> stock, InventoryOptions options, TimeProvider time, ILogger<StockFunctions> logger)
{
    /// <summary>A receipt is three short fields; 16 KiB leaves room for every character escaped.</summary>
    private static readonly BodyRules ReceiptBody = new(16 * 1024);

    /// <summary><c>POST /api/stock/receipts</c> {receiptId, sku, quantity}: 202 (also for an identical repeat), 400, 409.</summary>
    [Function("Inventory_ReceiveStock")]
    public async Task<HttpResponseData> ReceiveStock(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "stock/receipts")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var (receipt, rejected) = await HttpEdge.ReadCommandAsync(req, ReceiptBody, body => ReceiptDecider.Validate(body!.Value), cancellationToken).ConfigureAwait(false);
        if (receipt is null)
        {
            return rejected!;
        }

        var (outcome, unavailable) = await HttpEdge.ExecuteAsync(req, ct => receipts.ExecuteAsync(new EntityKey(TableKeys.Escape(receipt.ReceiptId), "receipt"),
            accepted => ReceiptDecider.Receive(accepted, receipt, time.GetUtcNow(), TraceParentOf(req)), ct), logger, cancellationToken).ConfigureAwait(false);
        if (unavailable is not null)
        {
            return unavailable;
        }

        var answer = outcome.Accepted;
        return outcome.Decision == ReceiptIngressDecision.Conflict
            ? await HttpEdge.ConflictAsync(req, $"Receipt '{receipt.ReceiptId}' was already accepted as {answer.Quantity} x '{answer.Sku}'.", cancellationToken).ConfigureAwait(false)
            : await HttpEdge.JsonAsync(req, HttpStatusCode.Accepted, JsonSerializer.SerializeToUtf8Bytes(
                new StockReceiptAccepted(answer.ReceiptId, answer.Sku, answer.Quantity, answer.EventId), InventoryJson.Default.StockReceiptAccepted), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/stock/{sku}</c>: {sku, available, reserved, committed, received}, or 404 when Inventory has never heard of the SKU.</summary>
    [Function("Inventory_GetStock")]
    public Task<HttpResponseData> GetStock(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "stock/{sku}")] HttpRequestData req,
        string sku,
        CancellationToken cancellationToken) =>
        HttpEdge.QueryAsync(
            req,
            async ct => (await stock.FindAsync(new EntityKey(StockShards.Partition(StockShards.Of(sku, options.StockShards), options.StockShards), StockKeys.Sku(sku)), ct).ConfigureAwait(false))?.Sku is { } s
                ? new StockLevel(s.Sku, s.Available, s.Reserved, s.Committed, s.Received)
                : null,
            InventoryJson.Default.StockLevel, "Unknown SKU.", $"Inventory has no stock record for SKU '{sku}'.", cancellationToken);

    private static string? TraceParentOf(HttpRequestData req) => req.Headers.TryGetValues("traceparent", out var values) ? values.FirstOrDefault() : null;
}
