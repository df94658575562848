using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;
using Store.Sales.Events;

namespace Store.Sales.Functions;

/// <summary>Writes Sales' HTTP answers with the source-generated serializer (no worker ObjectSerializer needed).</summary>
internal static class HttpAnswers
{
    private const string Json = "application/json; charset=utf-8";
    private const string ProblemJson = "application/problem+json; charset=utf-8";

    public static Task<HttpResponseData> AcceptedAsync(HttpRequestData req, string orderId, string status, CancellationToken ct) =>
        WriteAsync(req, HttpStatusCode.Accepted, Json, JsonSerializer.SerializeToUtf8Bytes(new OrderAnswer(orderId, status), SalesJson.Default.OrderAnswer), ct,
            ("Location", "/api/orders/" + Uri.EscapeDataString(orderId)));

    public static Task<HttpResponseData> ValidationProblemAsync(HttpRequestData req, IReadOnlyDictionary<string, string[]> errors, CancellationToken ct) =>
        ProblemAsync(req, HttpStatusCode.BadRequest, "https://tools.ietf.org/html/rfc9110#section-15.5.1", "One or more validation errors occurred.", null, errors, ct);

    public static Task<HttpResponseData> NotFoundAsync(HttpRequestData req, string orderId, CancellationToken ct) =>
        ProblemAsync(req, HttpStatusCode.NotFound, "https://tools.ietf.org/html/rfc9110#section-15.5.5", "Order not found.", $"There is no order '{orderId}'.", null, ct);

    public static Task<HttpResponseData> ConflictAsync(HttpRequestData req, string detail, CancellationToken ct) =>
        ProblemAsync(req, HttpStatusCode.Conflict, "https://tools.ietf.org/html/rfc9110#section-15.5.10", "Conflict.", detail, null, ct);

    public static async Task<HttpResponseData> UnavailableAsync(HttpRequestData req, CancellationToken ct)
    {
        var response = await ProblemAsync(req, HttpStatusCode.ServiceUnavailable, "https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service temporarily unavailable.",
            "The request could not be completed now; it is safe to send the same request again.", null, ct).ConfigureAwait(false);
        response.Headers.Add("Retry-After", "2");
        return response;
    }

    private static Task<HttpResponseData> ProblemAsync(HttpRequestData req, HttpStatusCode status, string type, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors, CancellationToken ct) =>
        WriteAsync(req, status, ProblemJson, JsonSerializer.SerializeToUtf8Bytes(new ProblemDetails(type, title, (int)status, detail, errors), SalesJson.Default.ProblemDetails), ct);

    private static async Task<HttpResponseData> WriteAsync(HttpRequestData req, HttpStatusCode status, string contentType, byte[] body, CancellationToken ct, params (string Name, string Value)[] headers)
    {
        var response = req.CreateResponse(status);
        response.Headers.Add("Content-Type", contentType);
        foreach (var (name, value) in headers)
        {
            response.Headers.Add(name, value);
        }

        await response.Body.WriteAsync(body, ct).ConfigureAwait(false);
        return response;
    }
}

/// <summary>Reads a JSON request body.</summary>
internal static class HttpBodies
{
    /// <summary>Parses the body; an empty body is null, invalid JSON is an error message.</summary>
    public static async Task<(JsonDocument? Document, string? Error)> ReadJsonAsync(HttpRequestData req, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await req.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return (null, null);
        }

        try
        {
            return (JsonDocument.Parse(buffer.ToArray()), null);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON: {ex.Message}");
        }
    }
}
