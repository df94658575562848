using System.Net;
using System.Text.Json;
using Store.Eventing.CloudEvents;
using Store.Eventing.Http;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;
using Store.Inventory.Decisions;
using Store.Inventory.Events;

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
/// <c>POST /api/stock/receipts</c>: validates, records the request with its stock-received event in the outbox
/// (table "inventoryreceipts", one row per receipt id), publishes, confirms and clears it; an outbox whose publish
/// failed (the client got a 503 and may not retry) is published by the outbox relay. The stock itself changes only when
/// Inventory's processor consumes stock-received from its own stream.
/// </summary>
public sealed class ReceiptIngress(TableStateStore<ReceiptRequest> store, CloudEventCodec codec, IEventPublisher publisher, OutboxConfirmations confirmations, TimeProvider time)
{
    private const string RowKey = "receipt";
    /// <summary>The idempotency store.</summary>
    public TableStateStore<ReceiptRequest> Store => store;

    /// <summary>Handles one request body.</summary>
    public async Task<HttpAnswer> ReceiveAsync(ReadOnlyMemory<byte> body, string? traceParent, CancellationToken ct)
    {
        var validation = ReceiptDecisions.Validate(body.Span);
        if (validation.Receipt is not { } receipt)
        {
            return HttpAnswer.Problem(HttpStatusCode.BadRequest, "The stock receipt is invalid.", errors: validation.Errors);
        }

        await store.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var partitionKey = StockKeys.Escape(receipt.ReceiptId);
        for (var attempt = 0; ; attempt++)
        {
            var record = (await store.ReadAsync(partitionKey, [RowKey], ct).ConfigureAwait(false))[RowKey];
            switch (ReceiptDecisions.Decide(record.State, receipt))
            {
                case ReceiptIngressDecision.Conflict:
                    return HttpAnswer.Problem(HttpStatusCode.Conflict, "Receipt id already used.",
                        $"Receipt '{receipt.ReceiptId}' was already accepted as {record.State!.Quantity} x '{record.State.Sku}'.");
                case ReceiptIngressDecision.Repeat:
                    // Same request again: re-publish (same id) only if the first publish is not known to have happened.
                    if (record.Outbox.Count > 0 && !confirmations.IsConfirmed(record.OutboxToken))
                    {
                        await publisher.PublishAsync(record.Outbox, ct).ConfigureAwait(false);
                        confirmations.Confirm(record.OutboxToken!);
                    }

                    await ClearAsync(record, ct).ConfigureAwait(false);
                    return Accepted(record.State!);
            }

            var eventId = EventIdOf(receipt.ReceiptId);
            var header = new CloudEventHeader(eventId, InventoryEventTypes.StockReceived, InventoryEventTypes.Source, receipt.Sku, time.GetUtcNow(), traceParent);
            var output = new OutgoingEvent(InventoryEventTypes.StockHub, receipt.Sku, eventId, InventoryEventTypes.StockReceived, codec.Encode(header, receipt), traceParent);
            var token = Guid.NewGuid().ToString("N");
            record.State = new ReceiptRequest(receipt.ReceiptId, receipt.Sku, receipt.Quantity, eventId);
            record.Outbox = [output];
            record.OutboxToken = token;
            record.IsDirty = true;
            try
            {
                await store.CommitAsync(partitionKey, [record], ct).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                // A concurrent request with the same receipt id won: answer as a repeat or a conflict.
                continue;
            }

            await publisher.PublishAsync([output], ct).ConfigureAwait(false);
            confirmations.Confirm(token);
            await ClearAsync(record, ct).ConfigureAwait(false);
            return Accepted(record.State);
        }
    }

    /// <summary>Clears a published outbox; if the table fails now, the outbox relay clears it (without publishing again).</summary>
    private async Task ClearAsync(StateRecord<ReceiptRequest> record, CancellationToken ct)
    {
        if (record.Outbox.Count == 0 || !confirmations.IsConfirmed(record.OutboxToken))
        {
            return;
        }

        try
        {
            await store.ClearOutboxesAsync([record], ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            // Published and confirmed: only the clean-up is left, which the relay does.
        }
    }

    /// <summary>The id of the stock-received event of a receipt: derived from the receipt id, so repeats never make a second event.</summary>
    public static string EventIdOf(string receiptId) => EventIds.Derive("stock-receipt:" + receiptId, "stock-received");

    private static HttpAnswer Accepted(ReceiptRequest request) =>
        HttpAnswer.Json(HttpStatusCode.Accepted, JsonSerializer.SerializeToUtf8Bytes(
            new StockReceiptAccepted(request.ReceiptId, request.Sku, request.Quantity, request.EventId), InventoryJson.Default.StockReceiptAccepted));
}

/// <summary><c>GET /api/stock/{sku}</c>: the SKU's stock levels from the stock partition.</summary>
public sealed class StockQueries(TableStateStore<StockRow> store)
{
    /// <summary>The SKU's levels; null when Inventory has never heard of it.</summary>
    public async Task<StockLevel?> GetAsync(string sku, CancellationToken ct)
    {
        await store.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var record = await store.GetAsync(StockKeys.Partition, StockKeys.Sku(sku), ct).ConfigureAwait(false);
        return record?.State?.Sku is { } s ? new StockLevel(s.Sku, s.Available, s.Reserved, s.Committed, s.Received) : null;
    }

    /// <summary>The HTTP answer for <paramref name="sku"/>.</summary>
    public async Task<HttpAnswer> AnswerAsync(string sku, CancellationToken ct) =>
        await GetAsync(sku, ct).ConfigureAwait(false) is { } level
            ? HttpAnswer.Json(HttpStatusCode.OK, JsonSerializer.SerializeToUtf8Bytes(level, InventoryJson.Default.StockLevel))
            : HttpAnswer.Problem(HttpStatusCode.NotFound, "Unknown SKU.", $"Inventory has no stock record for SKU '{sku}'.");
}
