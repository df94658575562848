namespace Store.Sales.Events;

/// <summary>The 202 answer to an accepted command.</summary>
public sealed record OrderAnswer(string OrderId, string Status);
