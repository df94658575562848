using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Net.Http.Headers;

namespace Store.Eventing.Http;

/// <summary>
/// What an HTTP ingress function accepts as a body: its size limit, and whether an empty body is allowed. Every body
/// must be <c>application/json</c> (or a <c>+json</c> type) in UTF-8.
/// </summary>
public sealed record BodyRules(int MaxBytes, bool Required = true);

/// <summary>
/// A request body read at the edge: the parsed <paramref name="Document"/> (null when the body was empty and allowed to
/// be, or rejected), or the <paramref name="Problem"/> to answer.
/// </summary>
public sealed record EdgeBody(JsonDocument? Document, EdgeProblem? Problem) : IDisposable
{
    internal static EdgeBody Rejected(EdgeProblem problem) => new(null, problem);

    public void Dispose() => Document?.Dispose();
}

/// <summary>A problem-details answer (RFC 9457) before it is written.</summary>
public sealed record EdgeProblem(HttpStatusCode Status, string Title, string? Detail = null, IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// The HTTP edge of every context, in one place: reading a JSON body safely (media type, size, UTF-8, repeated property
/// names, depth) and writing answers, including ASP.NET Core's <see cref="ProblemDetails"/> with one scheme of type URIs.
/// Nothing an exception says about the code reaches a client: rejections describe the input only.
/// </summary>
public static partial class HttpEdge
{
    /// <summary>The JSON nesting depth a request body may have (no request of this system needs more than 4).</summary>
    public const int MaxDepth = 32;

    private const string JsonContentType = "application/json; charset=utf-8";
    private const string ProblemContentType = "application/problem+json; charset=utf-8";

    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

    /// <summary>Reads and checks the request body; the caller answers <see cref="EdgeBody.Problem"/> when it is set.</summary>
    public static async Task<EdgeBody> ReadJsonAsync(HttpRequestData req, BodyRules rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(rules);
        if (DeclaredLength(req) is { } declared && declared > rules.MaxBytes)
        {
            return EdgeBody.Rejected(TooLarge(rules));
        }

        var buffer = new ArrayBufferWriter<byte>();
        int read;
        while ((read = await req.Body.ReadAsync(buffer.GetMemory(16 * 1024), ct).ConfigureAwait(false)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > rules.MaxBytes)
            {
                return EdgeBody.Rejected(TooLarge(rules));
            }
        }

        return Check(ContentTypeOf(req), buffer.WrittenMemory, rules);
    }

    /// <summary>The body checks without I/O: media type, emptiness, UTF-8, then JSON with unique names and bounded depth.</summary>
    public static EdgeBody Check(string? contentType, ReadOnlyMemory<byte> body, BodyRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (body.Length > rules.MaxBytes)
        {
            return EdgeBody.Rejected(TooLarge(rules));
        }

        if (body.IsEmpty)
        {
            // An optional body that is absent has nothing to interpret, whatever its declared type.
            return rules.Required ? EdgeBody.Rejected(Invalid("body", "A JSON body is required.")) : new EdgeBody(null, null);
        }

        if (MediaTypeError(contentType) is { } mediaError)
        {
            return EdgeBody.Rejected(new EdgeProblem(HttpStatusCode.UnsupportedMediaType, "Unsupported media type.", mediaError));
        }

        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            return EdgeBody.Rejected(Invalid("body", $"The body is not valid UTF-8 (invalid byte sequence at byte {InvalidUtf8Offset(body.Span)})."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, ParseOptions);
        }
        catch (JsonException ex)
        {
            // JsonException describes the input (position, token, repeated name), never the code.
            return EdgeBody.Rejected(Invalid("body", $"The body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidOperationException)
        {
            // Checking names for repeats reads them as text: a name with an escaped lone surrogate cannot be read.
            return EdgeBody.Rejected(Invalid("body", "A property name in the body is not valid Unicode text (an escaped lone surrogate)."));
        }

        if (FirstUnreadableString(document.RootElement, "$") is { } path)
        {
            document.Dispose();
            return EdgeBody.Rejected(Invalid("body", $"The string at {path} is not valid Unicode text (an escaped lone surrogate)."));
        }

        return new EdgeBody(document, null);
    }

    /// <summary>
    /// A command's edge: reads the body (<paramref name="rules"/>), validates it (400 with every error), runs it and
    /// answers its outcome; 503 with Retry-After when storage or Event Hubs is unavailable (commands are idempotent and
    /// their outputs wait in the outbox, so the same request is safe to send again).
    /// </summary>
    public static async Task<HttpResponseData> CommandAsync<TCommand, TOutcome>(
        HttpRequestData req, BodyRules rules, Func<JsonElement?, Validated<TCommand>> validate, Func<TCommand, CancellationToken, Task<TOutcome>> execute,
        Func<TCommand, TOutcome, Task<HttpResponseData>> answer, ILogger logger, CancellationToken ct)
        where TCommand : class
    {
        ArgumentNullException.ThrowIfNull(validate);
        ArgumentNullException.ThrowIfNull(execute);
        ArgumentNullException.ThrowIfNull(answer);
        using var body = await ReadJsonAsync(req, rules, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return await ProblemAsync(req, problem, ct).ConfigureAwait(false);
        }

        var validated = validate(body.Document?.RootElement);
        if (validated.Value is not { } command)
        {
            return await ValidationProblemAsync(req, validated.Errors, ct).ConfigureAwait(false);
        }

        TOutcome outcome;
        try
        {
            outcome = await execute(command, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            LogUnavailable(logger, ex, req.Method, req.Url.AbsolutePath);
            return await UnavailableAsync(req, ct).ConfigureAwait(false);
        }

        return await answer(command, outcome).ConfigureAwait(false);
    }

    /// <summary>
    /// A read-only query's answer: 200 with the view <paramref name="find"/> returns, 404 problem details
    /// (<paramref name="notFoundTitle"/>, <paramref name="notFoundDetail"/>) when it returns null, 503 when storage is unavailable.
    /// </summary>
    public static async Task<HttpResponseData> QueryAsync<T>(
        HttpRequestData req, Func<CancellationToken, Task<T?>> find, JsonTypeInfo<T> view, string notFoundTitle, string notFoundDetail, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(find);
        T? found;
        try
        {
            found = await find(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            return await UnavailableAsync(req, ct).ConfigureAwait(false);
        }

        return found is null
            ? await NotFoundAsync(req, notFoundTitle, notFoundDetail, ct).ConfigureAwait(false)
            : await JsonAsync(req, HttpStatusCode.OK, JsonSerializer.SerializeToUtf8Bytes(found, view), ct).ConfigureAwait(false);
    }

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

    private static EdgeProblem Invalid(string field, string message) =>
        new(HttpStatusCode.BadRequest, "One or more validation errors occurred.", Errors: new Dictionary<string, string[]> { [field] = [message] });

    private static EdgeProblem TooLarge(BodyRules rules) =>
        new(HttpStatusCode.RequestEntityTooLarge, "Request body too large.", $"The body may be at most {rules.MaxBytes} bytes.");

    private static string? MediaTypeError(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return "The body must be sent with Content-Type: application/json.";
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType.Value is not { } mediaType)
        {
            return $"The Content-Type '{contentType}' cannot be parsed; send application/json.";
        }

        var isJson = string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) ||
            (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!isJson)
        {
            return $"The body must be application/json, not '{mediaType}'.";
        }

        var charset = parsed.Charset.Value;
        return charset is null || string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase) || string.Equals(charset, "utf8", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"The body must be UTF-8, not charset '{charset}'.";
    }

    // JSON may escape half of a surrogate pair ("\ud800"): valid JSON and valid UTF-8 bytes, but no text. Such a string
    // cannot be read as a string (GetString throws), and an event carrying it would fail schema validation at every consumer.
    private static string? FirstUnreadableString(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return CloudEventCodec.IsText(element) ? null : path;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select((item, i) => FirstUnreadableString(item, $"{path}[{i}]")).FirstOrDefault(found => found is not null);
            case JsonValueKind.Object:
                // Names were read as text by the parse (it refuses repeated names), so only values are checked.
                return element.EnumerateObject().Select(p => FirstUnreadableString(p.Value, $"{path}.{p.Name}")).FirstOrDefault(found => found is not null);
            default:
                return null;
        }
    }

    // Of a body that is not valid UTF-8: the decoder stops at the first invalid sequence, and the bytes it read are its offset.
    private static int InvalidUtf8Offset(ReadOnlySpan<byte> body)
    {
        _ = System.Text.Unicode.Utf8.ToUtf16(body, new char[body.Length], out var offset, out _, replaceInvalidSequences: false);
        return offset;
    }

    private static long? DeclaredLength(HttpRequestData req) =>
        req.Headers.TryGetValues(HeaderNames.ContentLength, out var values) && long.TryParse(values.FirstOrDefault(), out var length) ? length : null;

    private static string? ContentTypeOf(HttpRequestData req) =>
        req.Headers.TryGetValues(HeaderNames.ContentType, out var values) ? string.Join(",", values) : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: storage or Event Hubs unavailable; the same request may be sent again")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string path);

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
