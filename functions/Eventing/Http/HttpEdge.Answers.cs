using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Net.Http.Headers;

namespace Store.Eventing.Http;

/// <summary>The answers of the HTTP edge: problem details (RFC 9457, ASP.NET Core's scheme of type URIs) and JSON.</summary>
public static partial class HttpEdge
{
    /// <summary>400 with every validation error per field.</summary>
    public static Task<HttpResponseData> ValidationProblemAsync(HttpRequestData req, IReadOnlyDictionary<string, string[]> errors, CancellationToken ct) =>
        ProblemAsync(req, new EdgeProblem(HttpStatusCode.BadRequest, "One or more validation errors occurred.", Errors: errors), ct);

    /// <summary>404 naming what is missing.</summary>
    public static Task<HttpResponseData> NotFoundAsync(HttpRequestData req, string title, string detail, CancellationToken ct) =>
        ProblemAsync(req, new EdgeProblem(HttpStatusCode.NotFound, title, detail), ct);

    /// <summary>409 with the conflict explained.</summary>
    public static Task<HttpResponseData> ConflictAsync(HttpRequestData req, string detail, CancellationToken ct) =>
        ProblemAsync(req, new EdgeProblem(HttpStatusCode.Conflict, "Conflict.", detail), ct);

    /// <summary>503 with Retry-After: storage or Event Hubs is unavailable; the same request may be sent again.</summary>
    public static async Task<HttpResponseData> UnavailableAsync(HttpRequestData req, CancellationToken ct)
    {
        var response = await ProblemAsync(req, new EdgeProblem(HttpStatusCode.ServiceUnavailable, "Service temporarily unavailable.",
            "The request could not be completed now; it is safe to send the same request again."), ct).ConfigureAwait(false);
        response.Headers.Add(HeaderNames.RetryAfter, "2");
        return response;
    }

    public static Task<HttpResponseData> ProblemAsync(HttpRequestData req, EdgeProblem problem, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return WriteAsync(req, problem.Status, ProblemContentType, ToJson(problem), ct);
    }

    /// <summary>Writes a JSON answer (already serialized, typically with the context's source-generated options).</summary>
    public static Task<HttpResponseData> JsonAsync(HttpRequestData req, HttpStatusCode status, byte[] json, CancellationToken ct, params (string Name, string Value)[] headers) =>
        WriteAsync(req, status, JsonContentType, json, ct, headers);

    /// <summary>The problem body as ASP.NET Core writes it (RFC 9457 members, <c>errors</c> for validation problems).</summary>
    public static byte[] ToJson(EdgeProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var status = (int)problem.Status;
        var details = problem.Errors is { Count: > 0 } errors
            ? new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))
            : new ProblemDetails();
        (details.Type, details.Title, details.Status, details.Detail) = (TypeUri(status), problem.Title, status, problem.Detail);
        return JsonSerializer.SerializeToUtf8Bytes(details, details.GetType(), EdgeJson.Default);
    }

    /// <summary>
    /// The problem type of a status: the RFC 9110 section that defines it, the scheme ASP.NET Core uses by default.
    /// </summary>
    public static string TypeUri(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };

    private static async Task<HttpResponseData> WriteAsync(HttpRequestData req, HttpStatusCode status, string contentType, byte[] body, CancellationToken ct, params (string Name, string Value)[] headers)
    {
        var response = req.CreateResponse(status);
        response.Headers.Add(HeaderNames.ContentType, contentType);
        foreach (var (name, value) in headers)
        {
            response.Headers.Add(name, value);
        }

        await response.Body.WriteAsync(body, ct).ConfigureAwait(false);
        return response;
    }
}

/// <summary>Source-generated serialization of the problem bodies, with ASP.NET Core's web defaults (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class EdgeJson : JsonSerializerContext;
