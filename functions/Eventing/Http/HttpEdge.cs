using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Net.Http.Headers;

namespace Store.Eventing.Http;

/// <summary>What an HTTP ingress function accepts as a body: its size limit, and whether an empty body is allowed (always JSON in UTF-8).</summary>
public sealed record BodyRules(int MaxBytes, bool Required = true);

/// <summary>A request body read at the edge: the parsed document (null when empty and allowed, or rejected), or the problem to answer.</summary>
public sealed record EdgeBody(JsonDocument? Document, EdgeProblem? Problem) : IDisposable
{
    internal static EdgeBody Rejected(EdgeProblem problem) => new(null, problem);

    public void Dispose() => Document?.Dispose();
}

/// <summary>A problem-details answer (RFC 9457) before it is written.</summary>
public sealed record EdgeProblem(HttpStatusCode Status, string Title, string? Detail = null, IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// The HTTP edge of every context, in one place: reading a JSON body safely (media type, size, UTF-8, repeated property
/// names, depth) and writing answers, including ASP.NET Core's problem details (HttpEdge.Answers.cs).
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
    /// A command's first step: reads the body (<paramref name="rules"/>) and validates it. Null, with the answer to send
    /// (problem details: 400 with every error, 413, 415), when the request is not a command.
    /// </summary>
    public static async Task<(TCommand? Command, HttpResponseData? Rejected)> ReadCommandAsync<TCommand>(
        HttpRequestData req, BodyRules rules, Func<JsonElement?, Validated<TCommand>> validate, CancellationToken ct)
        where TCommand : class
    {
        ArgumentNullException.ThrowIfNull(validate);
        using var body = await ReadJsonAsync(req, rules, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return (null, await ProblemAsync(req, problem, ct).ConfigureAwait(false));
        }

        var validated = validate(body.Document?.RootElement);
        return validated.Value is { } command ? (command, null) : (null, await ValidationProblemAsync(req, validated.Errors, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// A command's second step: runs it. When storage or Event Hubs is unavailable, the answer to send instead is 503 with
    /// Retry-After (commands are idempotent and their outputs wait in the outbox, so the same request is safe to send again).
    /// </summary>
    public static async Task<(TOutcome Outcome, HttpResponseData? Unavailable)> ExecuteAsync<TOutcome>(
        HttpRequestData req, Func<CancellationToken, Task<TOutcome>> execute, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(execute);
        try
        {
            return (await execute(ct).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            LogUnavailable(logger, ex, req.Method, req.Url.AbsolutePath);
            return (default!, await UnavailableAsync(req, ct).ConfigureAwait(false));
        }
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
}
