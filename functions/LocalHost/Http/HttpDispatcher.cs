using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Store.Eventing.Http;

namespace Store.LocalHost.Http;

/// <summary>An HTTP function's answer.</summary>
public sealed record HttpResult(HttpStatusCode StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The Content-Type header, if any.</summary>
    public string? ContentType => Headers.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// Routes requests to the HTTP functions as <c>func start</c> does: "/api/" + the trigger's Route (route parameters bound
/// by name), methods from the trigger. Used in-process by the demo and by the Kestrel front end.
/// </summary>
public sealed class HttpDispatcher(LocalFunctionsHost host)
{
    private const string RoutePrefix = "api";
    private IReadOnlyList<Route>? _routes;

    /// <summary>The served routes ("POST /api/orders -> Sales_PlaceOrder").</summary>
    public IEnumerable<string> Describe() =>
        Routes.Select(r => $"{string.Join('|', r.Function.Http!.Methods)} /{RoutePrefix}/{r.Function.Http!.Route} -> {r.Function.Name}");

    /// <summary>Finds the function serving a GET on a route template (e.g. "orders/{id}"), if any.</summary>
    public FunctionDescriptor? FindByRoute(string method, string route) =>
        Routes.FirstOrDefault(r => r.Function.Http!.Methods.Contains(method.ToUpperInvariant()) && string.Equals(r.Function.Http!.Route, route, StringComparison.OrdinalIgnoreCase))?.Function;

    private IReadOnlyList<Route> Routes => _routes ??= host.Apps
        .SelectMany(app => app.Functions.Where(f => f.Http is not null).Select(f => new Route(app, f, TemplateParser.Parse(RoutePrefix + "/" + f.Http!.Route))))
        .OrderBy(r => r.Template.Parameters.Count)
        .ThenByDescending(r => r.Template.Segments.Count)
        .ToArray();

    /// <summary>Sends a request to the matching HTTP function. 404 when no route matches, 405 when the method does not.</summary>
    public async Task<HttpResult> SendAsync(string method, string pathAndQuery, byte[]? body, IEnumerable<KeyValuePair<string, string>>? headers, CancellationToken ct, string baseUrl = "http://localhost:7071")
    {
        var path = pathAndQuery.Split('?', 2)[0];
        var methodMatched = false;
        foreach (var route in Routes)
        {
            var values = new RouteValueDictionary();
            if (!new TemplateMatcher(route.Template, new RouteValueDictionary()).TryMatch(new PathString(path), values))
            {
                continue;
            }

            if (!route.Function.Http!.Methods.Contains(method.ToUpperInvariant()))
            {
                methodMatched = true;
                continue;
            }

            var routeValues = values.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);
            var url = new Uri(baseUrl.TrimEnd('/') + pathAndQuery);
            var input = new InvocationInput(null, routeValues, context => new InMemoryHttpRequest(context, method.ToUpperInvariant(), url, body, headers));
            using var activity = StartServerActivity(method.ToUpperInvariant(), route, path, headers);
            try
            {
                var result = await host.InvokeHttpFunctionAsync(route.App, route.Function, input, ct).ConfigureAwait(false);
                var answer = result switch
                {
                    HttpResponseData response => ToResult(response),
                    null => new HttpResult(HttpStatusCode.NoContent, [], []),
                    _ => Problem(HttpStatusCode.InternalServerError, "The function returned no HTTP response.", $"{route.Function.Name} returned {result.GetType().Name}; the local host serves HttpResponseData."),
                };
                activity?.SetTag("http.response.status_code", (int)answer.StatusCode);
                return answer;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                await host.Options.Error.WriteLineAsync($"!!! HTTP {method} {path} -> {route.Function.Name} threw: {ex}").ConfigureAwait(false);
                // As the Functions host does, a function that throws answers 500 without saying why: the exception is
                // for the operator's log, not for the client.
                return Problem(HttpStatusCode.InternalServerError, "An error occurred while processing the request.", null);
            }
        }

        return methodMatched
            ? Problem(HttpStatusCode.MethodNotAllowed, "Method not allowed.", $"{method} is not allowed on {path}.")
            : Problem(HttpStatusCode.NotFound, "Not found.", $"No function serves {path}.");
    }

    /// <summary>Sends a JSON body.</summary>
    public Task<HttpResult> SendJsonAsync(string method, string path, string? json, CancellationToken ct) =>
        SendAsync(method, path, json is null ? null : Encoding.UTF8.GetBytes(json), [new("Content-Type", "application/json")], ct);

    /// <summary>
    /// The server span of one request, as the Functions host starts it: "METHOD /api/route", child of the request's
    /// <c>traceparent</c> header when there is one. It is <see cref="Activity.Current"/> while the function runs, so an
    /// ingress function that stamps <c>Activity.Current?.Id</c> on its events starts the trace its consumers continue.
    /// </summary>
    private Activity? StartServerActivity(string method, Route route, string path, IEnumerable<KeyValuePair<string, string>>? headers)
    {
        var name = $"{method} /{RoutePrefix}/{route.Function.Http!.Route}";
        var traceParent = headers?.FirstOrDefault(h => string.Equals(h.Key, "traceparent", StringComparison.OrdinalIgnoreCase)).Value;
        var traceState = headers?.FirstOrDefault(h => string.Equals(h.Key, "tracestate", StringComparison.OrdinalIgnoreCase)).Value;
        // The host's id is a start tag: a scoped recorder sees it when the span starts, before any span of its trace ends.
        KeyValuePair<string, object?>[] tags = [new(TraceRecorder.HostInstanceTag, host.InstanceId)];
        var activity = TraceRecorder.HostSource.StartActivity(
            name, ActivityKind.Server, ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent) ? parent : default, tags);
        activity?.SetTag("http.request.method", method);
        activity?.SetTag("http.route", "/" + RoutePrefix + "/" + route.Function.Http!.Route);
        activity?.SetTag("url.path", path);
        activity?.SetTag("faas.trigger", "http");
        activity?.SetTag("faas.name", route.Function.Name);
        activity?.SetTag("store.context", route.App.Name);
        return activity;
    }

    private static HttpResult ToResult(HttpResponseData response)
    {
        byte[] body;
        if (response.Body is MemoryStream ms)
        {
            body = ms.ToArray();
        }
        else
        {
            using var copy = new MemoryStream();
            if (response.Body.CanSeek)
            {
                response.Body.Position = 0;
            }

            response.Body.CopyTo(copy);
            body = copy.ToArray();
        }

        var headers = response.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v))).ToList();
        return new HttpResult(response.StatusCode, headers, body);
    }

    private static HttpResult Problem(HttpStatusCode status, string title, string? detail) =>
        new(status, [new("Content-Type", "application/problem+json; charset=utf-8")], HttpEdge.ToJson(new EdgeProblem(status, title, detail)));

    private sealed record Route(ContextApp App, FunctionDescriptor Function, RouteTemplate Template);
}
