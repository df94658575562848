namespace Store.Tracking.State;

/// <summary>
/// The stored state of one order: every distinct event applied, reduced to the fields the view needs (the facts, kept in
/// canonical order), and the view derived from them. Because the view is a function of the set of facts, it is the same
/// whatever order the events from different streams arrived in.
/// </summary>
public sealed record TrackedOrder(string OrderId, IReadOnlyList<TrackedFact> Facts, OrderStatusView View);

/// <summary>One applied event, reduced: its type, time and id plus the payload fields the view shows.</summary>
public sealed record TrackedFact(
    string Type,
    DateTimeOffset Time,
    string EventId,
    string? CustomerId = null,
    decimal? Total = null,
    decimal? Amount = null,
    string? Currency = null,
    int? LineCount = null,
    string? Reason = null,
    string? ShipmentId = null);

/// <summary>The order-status view served by <c>GET /api/orders/{id}</c> (status precedence: ../README.md); sections are null until their events arrive.</summary>
public sealed record OrderStatusView(
    string OrderId,
    string Status,
    string? CustomerId,
    PlacedView? Placed,
    ReservationView? Reservation,
    PaymentView? Payment,
    ShipmentView? Shipment,
    CancellationView? Cancellation,
    IReadOnlyList<TimelineEntry> Timeline);

public sealed record PlacedView(string CustomerId, decimal Total, string Currency, int LineCount, DateTimeOffset Time);

/// <summary>Stock reservation: "reserved", "rejected" or "released" (released &gt; rejected &gt; reserved).</summary>
public sealed record ReservationView(string Status, DateTimeOffset Time, string? Reason = null);

/// <summary>Payment: "authorized" or "declined" (declined wins), with the decline reason.</summary>
public sealed record PaymentView(string Status, decimal Amount, string Currency, DateTimeOffset Time, string? Reason = null);

public sealed record ShipmentView(string ShipmentId, DateTimeOffset Time);

/// <summary>
/// The customer's cancellation and Fulfillment's answer to it: <c>Outcome</c> is "requested" (no answer yet),
/// "withdrawn" (it took effect) or "rejected" (<c>RejectionReason</c> "already-shipped": the order ships).
/// </summary>
public sealed record CancellationView(DateTimeOffset Time, string? Reason = null, string Outcome = "requested", string? RejectionReason = null);

/// <summary>One event of the order's history.</summary>
public sealed record TimelineEntry(string Type, DateTimeOffset Time, string EventId);

