namespace Store.Inventory.Deciders;

/// <summary>How the ingress answers a receipt request given what it has already accepted under the same id.</summary>
public enum ReceiptIngressDecision
{
    /// <summary>First time: record it and publish stock-received.</summary>
    Accept,
    /// <summary>Same id, same body: answer as before, publish nothing new.</summary>
    Repeat,
    /// <summary>Same id, different body: 409.</summary>
    Conflict,
}

/// <summary>Rules of <c>POST /api/stock/receipts</c>: validation and idempotency. Pure.</summary>
public static class ReceiptDecider
{
    private static readonly RequestContract<StockReceived> Contract = new("stock-receipt.request.json", ReceiptRequestJson.Default.StockReceived);

    /// <summary>Validates a request body against <c>schemas/http/stock-receipt.request.json</c>, listing every error.</summary>
    public static Validated<StockReceived> Validate(JsonElement body) => Contract.Bind(body);

    // The role of a receipt's stock-received event; its id derives from it and the receipt id, so repeats never make a second event.
    private const string Role = "stock-received";

    /// <summary>The id of the stock-received event of a receipt.</summary>
    public static string EventIdOf(string receiptId) => EventIds.Derive(Scope(receiptId), Role);

    /// <summary>A receipt on its row: the first time, record it and emit stock-received; otherwise answer what was accepted before.</summary>
    public static CommandDecision<ReceiptRequest, (ReceiptIngressDecision Decision, ReceiptRequest Accepted)> Receive(
        ReceiptRequest? accepted, StockReceived receipt, DateTimeOffset now, string? traceParent)
    {
        var decision = Decide(accepted, receipt);
        if (decision != ReceiptIngressDecision.Accept)
        {
            return new((decision, accepted!));
        }

        var request = new ReceiptRequest(receipt.ReceiptId, receipt.Sku, receipt.Quantity, EventIdOf(receipt.ReceiptId));
        return new((decision, request), request, [new Emit(receipt, Role, new EventCause(Scope(receipt.ReceiptId), now, traceParent))]);
    }

    /// <summary>Idempotency: compares a request with the one accepted earlier under the same receipt id.</summary>
    public static ReceiptIngressDecision Decide(ReceiptRequest? accepted, StockReceived request) =>
        accepted is null ? ReceiptIngressDecision.Accept
        : accepted.Sku == request.Sku && accepted.Quantity == request.Quantity ? ReceiptIngressDecision.Repeat
        : ReceiptIngressDecision.Conflict;

    private static string Scope(string receiptId) => "stock-receipt:" + receiptId;
}

/// <summary>Binding of the receipt body: names match as the schema checks them (case-sensitive); a whole number written as 2.0 is a quantity too.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNameCaseInsensitive = false, Converters = [typeof(WholeNumberConverter)])]
[JsonSerializable(typeof(StockReceived))]
internal sealed partial class ReceiptRequestJson : JsonSerializerContext;
