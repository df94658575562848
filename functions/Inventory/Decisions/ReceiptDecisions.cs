namespace Store.Inventory.Decisions;

/// <summary>A validated receipt request, or every error found in it (field → messages).</summary>
public sealed record ReceiptValidation(StockReceived? Receipt, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>True when the request is valid.</summary>
    public bool IsValid => Receipt is not null;
}

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
public static class ReceiptDecisions
{
    public const int MaxIdLength = 128;
    public const int MaxQuantity = 1_000_000;

    /// <summary>Validates a request body, listing every error.</summary>
    public static ReceiptValidation Validate(ReadOnlySpan<byte> body)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            Add("body", $"The body must be a JSON object: {ex.Message}");
            return Result(null, errors);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Add("body", "The body must be a JSON object with receiptId, sku and quantity.");
                return Result(null, errors);
            }

            var receiptId = ReadId(root, "receiptId", Add);
            var sku = ReadId(root, "sku", Add);
            int? quantity = null;
            if (!root.TryGetProperty("quantity", out var q) || q.ValueKind == JsonValueKind.Null)
            {
                Add("quantity", "quantity is required.");
            }
            else if (q.ValueKind != JsonValueKind.Number || !q.TryGetDecimal(out var value) || value != decimal.Truncate(value))
            {
                Add("quantity", "quantity must be an integer.");
            }
            else if (value < 1 || value > MaxQuantity)
            {
                Add("quantity", $"quantity must be between 1 and {MaxQuantity}.");
            }
            else
            {
                quantity = (int)value;
            }

            return Result(errors.Count == 0 ? new StockReceived(receiptId!, sku!, quantity!.Value) : null, errors);
        }
    }

    /// <summary>Idempotency: compares a request with the one accepted earlier under the same receipt id.</summary>
    public static ReceiptIngressDecision Decide(ReceiptRequest? accepted, StockReceived request) =>
        accepted is null ? ReceiptIngressDecision.Accept
        : accepted.Sku == request.Sku && accepted.Quantity == request.Quantity ? ReceiptIngressDecision.Repeat
        : ReceiptIngressDecision.Conflict;

    private static string? ReadId(JsonElement root, string name, Action<string, string> add)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            add(name, $"{name} is required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            add(name, $"{name} must be a string.");
            return null;
        }

        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            add(name, $"{name} must not be empty.");
            return null;
        }

        if (text.Length > MaxIdLength)
        {
            add(name, $"{name} must be at most {MaxIdLength} characters.");
            return null;
        }

        return text;
    }

    private static ReceiptValidation Result(StockReceived? receipt, Dictionary<string, List<string>> errors) =>
        new(receipt, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
