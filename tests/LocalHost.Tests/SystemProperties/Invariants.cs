using Store.Loyalty.Deciders;

namespace Store.LocalHost.Tests.SystemProperties;

/// <summary>
/// The cross-context invariants, checked on a run at quiescence against the reference model. Every violation is collected
/// (not only the first) so a failing case says everything that went wrong.
/// </summary>
public static class Invariants
{
    /// <summary>Events that are about the customer and must each become exactly one notification.</summary>
    public static readonly IReadOnlySet<string> CustomerFacing = new HashSet<string>(
    [
        "fulfillment.shipment-requested.v1",
        "fulfillment.order-withdrawn.v1",
        "fulfillment.cancellation-rejected.v1",
        "inventory.stock-reservation-rejected.v1",
        "payments.payment-declined.v1",
        "loyalty.tier-changed.v1",
    ], StringComparer.Ordinal);

    /// <summary>The violations; empty when every invariant holds.</summary>
    public static IReadOnlyList<string> Check(Scenario scenario, ReferenceModel model, Observation run)
    {
        var failures = new List<string>();
        void Fail(string message) => failures.Add(message);

        if (run.Errors.Contains("FAILED", StringComparison.Ordinal))
        {
            Fail("an invocation failed after its retries: " + run.Errors);
        }

        var events = run.Events.Where(e => e.Body is not null && e.Id is not null).ToList();
        IEnumerable<ObservedEvent> Distinct(string type, string? orderId = null) =>
            events.Where(e => e.Type == type && (orderId is null || e.OrderId == orderId)).DistinctBy(e => e.Id);

        CheckDeadLetters(model, run, events, Fail);

        var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        foreach (var (orderId, expected) in model.Orders)
        {
            var step = scenario.Steps.ToList().FindIndex(s => s is PlaceOrder o && o.OrderId == orderId);
            if (run.Answers[step] != HttpStatusCode.Accepted)
            {
                Fail($"{orderId}: POST /api/orders answered {(int)run.Answers[step]}, expected 202");
                continue;
            }

            if (!run.Fulfillment.TryGetValue(orderId, out var f))
            {
                Fail($"{orderId}: Fulfillment has no row");
                continue;
            }

            // Fulfillment owns ship-or-abandon; the payment and reservation outcomes are the other owners' facts it joined.
            var outcome = f["shipmentId"] is not null ? Outcome.Shipped
                : f["cancelled"] is not null ? Outcome.Cancelled
                : f["declined"] is not null ? Outcome.Declined
                : Outcome.Rejected;
            outcomes[orderId] = outcome;
            var where = $"{orderId} ({outcome})";
            if (!expected.Allowed.Contains(outcome))
            {
                Fail($"{where}: the model allows only {string.Join("/", expected.Allowed)} (declined={expected.Declined}, reservable={expected.Reservable}, cancel requested={expected.CancelRequested})");
            }

            var cancelAnswers = scenario.Steps.Select((s, i) => (s, i)).Where(x => x.s is CancelOrder c && c.OrderId == orderId && x.i > step).Select(x => run.Answers[x.i]).ToList();
            foreach (var answer in cancelAnswers.Where(a => a is not HttpStatusCode.Accepted and not HttpStatusCode.Conflict))
            {
                Fail($"{where}: cancel answered {(int)answer}, expected 202 or 409");
            }

            if (cancelAnswers.Contains(HttpStatusCode.Conflict) && outcome != Outcome.Shipped)
            {
                Fail($"{where}: a cancel was refused with 409 (already shipped) but the order did not ship");
            }

            // Inventory follows the owner: committed iff shipped; a reservation never outlives a final state.
            var inventory = run.InventoryOrders.TryGetValue(orderId, out var row) ? (string?)row["status"] : null;
            var inventoryAllowed = outcome switch
            {
                Outcome.Shipped => ["Committed"],
                Outcome.Rejected => ["Rejected"],
                _ => new[] { "Released", "Voided", "Rejected" },
            };
            if (!inventoryAllowed.Contains(inventory))
            {
                Fail($"{where}: Inventory's reservation is {inventory ?? "missing"}{(row?["releaseReason"] is { } r ? $" ({r})" : "")}, expected {string.Join("/", inventoryAllowed)}");
            }

            var sales = run.Sales.TryGetValue(orderId, out var s) ? (string?)s["status"] : null;
            var salesExpected = outcome switch { Outcome.Shipped => "shipped", Outcome.Cancelled => "cancelled", _ => "accepted" };
            if (sales != salesExpected)
            {
                Fail($"{where}: Sales says {sales ?? "nothing"}, expected {salesExpected}");
            }

            var tracking = (string?)run.Tracking[orderId]?["status"];
            var trackingExpected = outcome switch
            {
                Outcome.Shipped => "shipment-requested",
                Outcome.Cancelled => "cancelled",
                Outcome.Declined => "payment-declined",
                _ => "reservation-rejected",
            };
            if (tracking != trackingExpected)
            {
                Fail($"{where}: Tracking shows {tracking ?? "nothing"}, expected {trackingExpected}");
            }

            // The scenario mixes versions: the order-placed went out as v1 (older Sales) or v2, and the shipment goes to the
            // address only v2 carries, or to the address on file (none in the event).
            var placedTypes = Distinct("sales.order-placed.v1", orderId).Concat(Distinct("sales.order-placed.v2", orderId)).Select(e => e.Type).Distinct().ToList();
            if (placedTypes.SingleOrDefault() != (expected.Order.SentAsV1 ? "sales.order-placed.v1" : "sales.order-placed.v2"))
            {
                Fail($"{where}: order-placed sent as [{string.Join(", ", placedTypes)}], expected {(expected.Order.SentAsV1 ? "v1" : "v2")} only");
            }

            foreach (var shipment in Distinct("fulfillment.shipment-requested.v1", orderId).Where(e => !JsonNode.DeepEquals(e.Data?["shippingAddress"], expected.Order.ShipsTo)))
            {
                Fail($"{where}: shipped to {shipment.Data?["shippingAddress"]?.ToJsonString() ?? "the address on file"}, expected {expected.Order.ShipsTo?.ToJsonString() ?? "the address on file"}");
            }

            var shipments = Distinct("fulfillment.shipment-requested.v1", orderId).Count();
            var released = Distinct("inventory.stock-released.v1", orderId).ToList();
            if (shipments != (outcome == Outcome.Shipped ? 1 : 0))
            {
                Fail($"{where}: {shipments} shipment-requested event(s)");
            }

            if (outcome == Outcome.Shipped)
            {
                if (!Distinct("inventory.stock-reserved.v1", orderId).Any() || !Distinct("payments.payment-authorized.v1", orderId).Any())
                {
                    Fail($"{where}: shipped without both stock-reserved and payment-authorized");
                }

                if (cancelAnswers.Contains(HttpStatusCode.Accepted) && !Distinct("notifications.notification-requested.v1").Any(n => (string?)n.Data?["orderId"] == orderId && (string?)n.Data?["template"] == "cancellation-rejected"))
                {
                    Fail($"{where}: the cancel was answered 202 but the customer was never told it was rejected (already shipped)");
                }
            }

            if (released.Count > (outcome == Outcome.Shipped ? 0 : 1))
            {
                Fail($"{where}: {released.Count} stock-released event(s) ({string.Join(", ", released.Select(e => (string?)e.Data?["reason"]))})");
            }

            var payments = Distinct("payments.payment-authorized.v1", orderId).Concat(Distinct("payments.payment-declined.v1", orderId)).ToList();
            if (payments.Count != 1 || payments[0].Type != (expected.Declined ? "payments.payment-declined.v1" : "payments.payment-authorized.v1")
                || (decimal?)payments[0].Data?["amount"] != expected.Order.Total || (string?)payments[0].Data?["currency"] != expected.Order.Currency)
            {
                Fail($"{where}: payments emitted [{string.Join(", ", payments.Select(p => $"{p.Type} {p.Data?["amount"]} {p.Data?["currency"]}"))}], expected one {(expected.Declined ? "decline" : "authorisation")} of {expected.Order.Total.ToString(CultureInfo.InvariantCulture)} {expected.Order.Currency}");
            }
        }

        // Sharded stock: every shard's part of an order ends with its order, reserved at most once, never left reserved
        // (no partial reservation survives a rejection or a release), committed only for a shipped order.
        foreach (var part in run.InventoryParts)
        {
            var (orderId, status) = ((string)part["orderId"]!, (string?)part["status"]);
            var order = run.InventoryOrders.TryGetValue(orderId, out var o) ? (string?)o["status"] : null;
            if (status == "Reserved" || (status == "Committed") != (outcomes.GetValueOrDefault(orderId) == Outcome.Shipped && outcomes.ContainsKey(orderId)))
            {
                Fail($"{orderId}: its part in shard {part["shard"]} is {status} at quiescence while the order's reservation is {order ?? "missing"}");
            }
        }

        foreach (var sku in Scenario.Skus)
        {
            var level = run.Stock[sku];
            long Get(string name) => (long?)level?[name] ?? 0;
            var shipped = model.Orders.Values.Where(o => outcomes.GetValueOrDefault(o.Order.OrderId) == Outcome.Shipped && outcomes.ContainsKey(o.Order.OrderId))
                .SelectMany(o => o.Order.Lines).Where(l => l.Sku == sku).Sum(l => (long)l.Quantity);
            var (available, reserved, committed, received) = (Get("available"), Get("reserved"), Get("committed"), Get("received"));
            if (received != model.Received[sku] || available + reserved + committed != received || reserved != 0 || committed != shipped || available < 0)
            {
                Fail($"{sku}: available {available} + reserved {reserved} + committed {committed} vs received {received}; expected received {model.Received[sku]}, nothing reserved at quiescence, committed = shipped {shipped}");
            }
        }

        foreach (var customer in Scenario.Customers)
        {
            var points = model.Orders.Values.Where(o => o.Order.CustomerId == customer && outcomes.GetValueOrDefault(o.Order.OrderId) == Outcome.Shipped && outcomes.ContainsKey(o.Order.OrderId))
                .Sum(o => LoyaltyDecider.PointsFor(o.Order.Total));
            var view = run.Loyalty[customer];
            var (actualPoints, tier) = ((long?)view?["points"] ?? 0, (string?)view?["tier"] ?? Tiers.Bronze);
            var crossings = Distinct("loyalty.tier-changed.v1").Count(e => (string?)e.Data?["customerId"] == customer);
            var expectedCrossings = Tiers.Crossings.Count(c => points >= c.Threshold);
            if (actualPoints != points || tier != Tiers.For(points) || crossings != expectedCrossings)
            {
                Fail($"{customer}: Loyalty has {actualPoints} points, tier {tier}, {crossings} tier change(s); shipped totals give {points} points, tier {Tiers.For(points)}, {expectedCrossings} tier change(s)");
            }
        }

        var notified = Distinct("notifications.notification-requested.v1").Select(e => e.Id!).ToHashSet(StringComparer.Ordinal);
        var facing = events.Where(e => CustomerFacing.Contains(e.Type!)).Select(e => e.Id!).Distinct().ToList();
        var expectedNotifications = facing.Select(id => EventIds.Derive(id, "notification-requested")).ToHashSet(StringComparer.Ordinal);
        if (!notified.SetEquals(expectedNotifications))
        {
            Fail($"notifications: {notified.Count} distinct, expected one per customer-facing event ({expectedNotifications.Count}); missing {expectedNotifications.Except(notified).Count()}, unexpected {notified.Except(expectedNotifications).Count()}");
        }

        return failures;
    }

    private static void CheckDeadLetters(ReferenceModel model, Observation run, List<ObservedEvent> events, Action<string> fail)
    {
        var letters = events.Where(e => e.Type == "operations.event-dead-lettered.v1").DistinctBy(e => e.Id).ToList();
        var byLine = new Dictionary<int, List<string>>();
        foreach (var letter in letters)
        {
            var d = letter.Data!;
            var position = ((string)d["sourceHub"]!, (string)d["partitionId"]!, (long)d["sequenceNumber"]!);
            var step = run.MalformedAt.FirstOrDefault(kv => kv.Value == position, new(-1, default)).Key;
            if (step < 0)
            {
                fail($"dead letter not caused by a malformed line: {d["consumer"]} on {position.Item1} ({d["error"]?["kind"]}): {d["error"]?["message"]}");
                continue;
            }

            (byLine.TryGetValue(step, out var groups) ? groups : byLine[step] = []).Add((string)d["consumerGroup"]!);
        }

        foreach (var (step, kind) in model.Malformed)
        {
            var hub = ReferenceModel.HubOf(kind);
            var expected = kind == MalformedKind.SchemaViolation
                ? ["inventory"]
                : EventCatalog.Current.Stream(hub).Stream.Consumers.Where(c => c.Context != "Operations").Select(c => c.ConsumerGroup).Order(StringComparer.Ordinal).ToArray();
            var actual = byLine.GetValueOrDefault(step)?.Order(StringComparer.Ordinal).ToArray() ?? [];
            if (!actual.SequenceEqual(expected))
            {
                fail($"malformed line of step {step} ({kind}) dead-lettered by [{string.Join(", ", actual)}], expected once by each of [{string.Join(", ", expected)}]");
            }
        }
    }
}
