using System.Text.Json.Serialization;

namespace Store.Sales.Events;

/// <summary>The 202 answer to an accepted command.</summary>
public sealed record OrderAnswer(string OrderId, string Status);

/// <summary>An RFC 9457 problem-details body; <see cref="Errors"/> lists every validation error per field.</summary>
public sealed record ProblemDetails(
    string Type,
    string Title,
    int Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null);
