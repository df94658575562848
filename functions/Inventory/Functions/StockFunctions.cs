using System.Net;
using Microsoft.Azure.Functions.Worker.Http;

namespace Store.Inventory.Functions;

/// <summary>
/// HTTP edge of Inventory: goods receipts (ingress command) and stock levels (query). A receipt is recorded with its
/// stock-received event (table "inventoryreceipts", one row per receipt id; the kit's <see cref="EntityCommands{TState}"/>
/// commits, publishes and confirms it); the stock itself changes only when Inventory's processor consumes stock-received
/// from its own stream.
/// </summary>
public sealed class StockFunctions(EntityCommands<ReceiptRequest> receipts, TableStateStore<StockRow> stock, InventoryOptions options, TimeProvider time)
{
    /// <summary>A receipt is three short fields; 16 KiB leaves room for every character escaped.</summary>
    private static readonly BodyRules ReceiptBody = new(16 * 1024);

    /// <summary><c>POST /api/stock/receipts</c> {receiptId, sku, quantity}: 202 (also for an identical repeat), 400, 409.</summary>
    [Function("Inventory_ReceiveStock")]
    public async Task<HttpResponseData> ReceiveStock(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "stock/receipts")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        using var body = await HttpEdge.ReadJsonAsync(req, ReceiptBody, cancellationToken).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return await HttpEdge.ProblemAsync(req, problem, cancellationToken).ConfigureAwait(false);
        }

        var validated = ReceiptDecisions.Validate(body.Document!.RootElement);
        if (validated.Value is not { } receipt)
        {
            return await HttpEdge.ValidationProblemAsync(req, validated.Errors, cancellationToken).ConfigureAwait(false);
        }

        var traceParent = req.Headers.TryGetValues("traceparent", out var values) ? values.FirstOrDefault() : null;
        (ReceiptIngressDecision Decision, ReceiptRequest Accepted) outcome;
        try
        {
            outcome = await receipts.ExecuteAsync(new EntityKey(TableKeys.Escape(receipt.ReceiptId), "receipt"),
                accepted => ReceiptDecisions.Receive(accepted, receipt, time.GetUtcNow(), traceParent), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            // Committed or not, the same request is safe to send again; a committed receipt is published by the outbox relay anyway.
            return await HttpEdge.UnavailableAsync(req, cancellationToken).ConfigureAwait(false);
        }

        var (decided, accepted) = outcome;
        return decided == ReceiptIngressDecision.Conflict
            ? await HttpEdge.ConflictAsync(req, $"Receipt '{receipt.ReceiptId}' was already accepted as {accepted.Quantity} x '{accepted.Sku}'.", cancellationToken).ConfigureAwait(false)
            : await HttpEdge.JsonAsync(req, HttpStatusCode.Accepted, JsonSerializer.SerializeToUtf8Bytes(
                new StockReceiptAccepted(accepted.ReceiptId, accepted.Sku, accepted.Quantity, accepted.EventId), InventoryJson.Default.StockReceiptAccepted), cancellationToken).ConfigureAwait(false);
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
}
