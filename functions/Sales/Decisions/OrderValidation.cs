namespace Store.Sales.Decisions;

/// <summary>The result of validating a request: the command, or every error per field.</summary>
public sealed record Validated<T>(T? Value, IReadOnlyDictionary<string, string[]> Errors)
    where T : class
{
    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0 && Value is not null;
}

/// <summary>Validates Sales ingress requests. Pure: every error is reported, not just the first.</summary>
public static class OrderValidation
{
    /// <summary>Maximum length of ids and SKUs (as in the event schemas).</summary>
    public const int MaxIdLength = 128;

    public const int MinLines = 1;

    public const int MaxLines = 100;

    public const int MinQuantity = 1;

    public const int MaxQuantity = 1000;

    /// <summary>Maximum length of a cancellation reason (as in the event schema).</summary>
    public const int MaxReasonLength = 500;

    /// <summary>
    /// True when <paramref name="orderId"/> can be an order id: non-blank, at most 128 characters, and free of the
    /// characters Azure Tables forbids in keys ('/', '\', '#', '?', control characters), because the id is the state key.
    /// </summary>
    public static bool IsValidOrderId(string? orderId) => OrderIdError(orderId) is null;

    /// <summary>Validates a place-order body.</summary>
    public static Validated<PlaceOrder> ValidatePlaceOrder(JsonElement body)
    {
        var errors = new Errors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object.");
            return new Validated<PlaceOrder>(null, errors.ToDictionary());
        }

        var orderId = RequiredString(body, "orderId", errors);
        if (orderId is not null && OrderIdError(orderId) is { } idError)
        {
            errors.Add("orderId", idError);
        }

        var customerId = RequiredString(body, "customerId", errors);
        if (customerId is not null && customerId.Length > MaxIdLength)
        {
            errors.Add("customerId", $"customerId must be at most {MaxIdLength} characters.");
        }

        var currency = RequiredString(body, "currency", errors);
        if (currency is not null && !Currencies.Iso4217.Contains(currency))
        {
            errors.Add("currency", "currency must be an ISO 4217 currency code in upper case, e.g. EUR.");
        }

        var lines = ValidateLines(body, errors);
        if (lines is not null && errors.Count == 0 && TotalOf(lines) is null)
        {
            errors.Add("lines", "The order total is too large.");
        }

        return errors.Count == 0
            ? new Validated<PlaceOrder>(new PlaceOrder(orderId!, customerId!, lines!, currency!), errors.ToDictionary())
            : new Validated<PlaceOrder>(null, errors.ToDictionary());
    }

    /// <summary>Validates an optional cancel body ({"reason": "..."}); a missing body or reason means no reason.</summary>
    public static Validated<CancelOrder> ValidateCancel(string orderId, JsonElement? body)
    {
        var errors = new Errors();
        string? reason = null;
        if (body is { } json)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                errors.Add("body", "The body must be a JSON object or empty.");
            }
            else if (json.TryGetProperty("reason", out var value) && value.ValueKind != JsonValueKind.Null)
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add("reason", "reason must be a string.");
                }
                else
                {
                    reason = value.GetString();
                    if (reason!.Length > MaxReasonLength)
                    {
                        errors.Add("reason", $"reason must be at most {MaxReasonLength} characters.");
                    }
                }
            }
        }

        return errors.Count == 0
            ? new Validated<CancelOrder>(new CancelOrder(orderId, string.IsNullOrWhiteSpace(reason) ? null : reason), errors.ToDictionary())
            : new Validated<CancelOrder>(null, errors.ToDictionary());
    }

    /// <summary>Sum of quantity × unit price rounded to 2 places (midpoint away from zero); null when it overflows.</summary>
    public static decimal? TotalOf(IEnumerable<OrderLine> lines)
    {
        try
        {
            var sum = 0m;
            foreach (var line in lines)
            {
                sum += line.Quantity * line.UnitPrice;
            }

            return Math.Round(sum, 2, MidpointRounding.AwayFromZero);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static string? OrderIdError(string? orderId)
    {
        if (string.IsNullOrWhiteSpace(orderId))
        {
            return "orderId is required.";
        }

        if (orderId.Length > MaxIdLength)
        {
            return $"orderId must be at most {MaxIdLength} characters.";
        }

        // Line and paragraph separators are refused too: an order id is one line of text (and Azurite cannot use them in keys).
        return orderId.Any(c => c is '/' or '\\' or '#' or '?' or '\u2028' or '\u2029' || char.IsControl(c))
            ? "orderId must not contain '/', '\\', '#', '?', line separators or control characters."
            : null;
    }

    private static List<OrderLine>? ValidateLines(JsonElement body, Errors errors)
    {
        if (!body.TryGetProperty("lines", out var linesJson) || linesJson.ValueKind == JsonValueKind.Null)
        {
            errors.Add("lines", "lines is required.");
            return null;
        }

        if (linesJson.ValueKind != JsonValueKind.Array)
        {
            errors.Add("lines", "lines must be an array.");
            return null;
        }

        var count = linesJson.GetArrayLength();
        if (count is < MinLines or > MaxLines)
        {
            errors.Add("lines", $"An order has {MinLines} to {MaxLines} lines; got {count}.");
        }

        var lines = new List<OrderLine>(count);
        var index = 0;
        foreach (var lineJson in linesJson.EnumerateArray())
        {
            var prefix = $"lines[{index++}]";
            if (lineJson.ValueKind != JsonValueKind.Object)
            {
                errors.Add(prefix, "A line must be an object with sku, quantity and unitPrice.");
                continue;
            }

            var sku = RequiredString(lineJson, "sku", errors, prefix + ".sku");
            if (sku is not null && sku.Length > MaxIdLength)
            {
                errors.Add(prefix + ".sku", $"sku must be at most {MaxIdLength} characters.");
            }

            var quantity = RequiredNumber(lineJson, "quantity", errors, prefix + ".quantity");
            if (quantity is { } q && (q != decimal.Truncate(q) || q < MinQuantity || q > MaxQuantity))
            {
                errors.Add(prefix + ".quantity", $"quantity must be a whole number from {MinQuantity} to {MaxQuantity}.");
                quantity = null;
            }

            var unitPrice = RequiredNumber(lineJson, "unitPrice", errors, prefix + ".unitPrice");
            if (unitPrice is < 0m)
            {
                errors.Add(prefix + ".unitPrice", "unitPrice must be zero or more.");
                unitPrice = null;
            }

            if (sku is not null && quantity is { } qty && unitPrice is { } price)
            {
                lines.Add(new OrderLine(sku, (int)qty, price));
            }
        }

        return lines;
    }

    private static string? RequiredString(JsonElement obj, string name, Errors errors, string? field = null)
    {
        field ??= name;
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(field, $"{name} is required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, $"{name} must be a string.");
            return null;
        }

        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, $"{name} is required.");
            return null;
        }

        return text;
    }

    private static decimal? RequiredNumber(JsonElement obj, string name, Errors errors, string field)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(field, $"{name} is required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            errors.Add(field, $"{name} must be a number.");
            return null;
        }

        if (!value.TryGetDecimal(out var number))
        {
            errors.Add(field, $"{name} is out of range.");
            return null;
        }

        return number;
    }

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

        public int Count => _byField.Count;

        public void Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var list))
            {
                _byField[field] = list = [];
            }

            list.Add(message);
        }

        public IReadOnlyDictionary<string, string[]> ToDictionary() =>
            _byField.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }
}

/// <summary>A validated request to cancel an order.</summary>
public sealed record CancelOrder(string OrderId, string? Reason);
