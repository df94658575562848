using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Store.TestSupport;

/// <summary>An in-memory HTTP request for calling HTTP-triggered functions directly (tests and the local host).</summary>
public sealed class InMemoryHttpRequest : HttpRequestData
{
    /// <summary>Creates a request.</summary>
    public InMemoryHttpRequest(FunctionContext context, string method, Uri url, byte[]? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
        : base(context)
    {
        Method = method;
        Url = url;
        Body = new MemoryStream(body ?? [], writable: false);
        Headers = new HttpHeadersCollection();
        foreach (var (name, value) in headers ?? [])
        {
            Headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>A JSON request.</summary>
    public static InMemoryHttpRequest Json(FunctionContext context, string method, string path, string? json) =>
        new(context, method, new Uri("http://localhost" + path), json is null ? null : Encoding.UTF8.GetBytes(json), [new("Content-Type", "application/json")]);

    /// <inheritdoc />
    public override Stream Body { get; }

    /// <inheritdoc />
    public override HttpHeadersCollection Headers { get; }

    /// <inheritdoc />
    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    /// <inheritdoc />
    public override Uri Url { get; }

    /// <inheritdoc />
    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    /// <inheritdoc />
    public override string Method { get; }

    /// <inheritdoc />
    public override HttpResponseData CreateResponse() => new InMemoryHttpResponse(FunctionContext);
}

/// <summary>The response side of <see cref="InMemoryHttpRequest"/>.</summary>
public sealed class InMemoryHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    /// <inheritdoc />
    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;

    /// <inheritdoc />
    public override HttpHeadersCollection Headers { get; set; } = new();

    /// <inheritdoc />
    public override Stream Body { get; set; } = new MemoryStream();

    /// <inheritdoc />
    public override HttpCookies Cookies { get; } = new NoCookies();

    /// <summary>The body as text.</summary>
    public string ReadBody()
    {
        if (Body is MemoryStream ms)
        {
            return Encoding.UTF8.GetString(ms.ToArray());
        }

        Body.Position = 0;
        using var reader = new StreamReader(Body, leaveOpen: true);
        return reader.ReadToEnd();
    }

    private sealed class NoCookies : HttpCookies
    {
        public override void Append(string name, string value)
        {
        }

        public override void Append(IHttpCookie cookie)
        {
        }

        public override IHttpCookie CreateNew() => throw new NotSupportedException("Cookies are not used by these functions.");
    }
}
