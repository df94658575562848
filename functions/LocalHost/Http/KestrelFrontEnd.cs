using Microsoft.AspNetCore.Hosting;

namespace Store.LocalHost.Http;

/// <summary>Serves the HTTP functions on localhost with Kestrel, like <c>func start</c> does (http://localhost:7071/api/...).</summary>
public static class KestrelFrontEnd
{
    /// <summary>Starts listening on <paramref name="port"/>, with the event explorer at / when given (disposed when the app stops); dispose the returned app to stop.</summary>
    public static async Task<WebApplication> StartAsync(LocalFunctionsHost host, int port, CancellationToken ct, EventExplorer? explorer = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(KestrelFrontEnd).Assembly.GetName().Name });
        builder.Logging.ClearProviders();

        // The local host owns the stop signals (ShutdownSignals); the default console lifetime would swallow SIGTERM and
        // Ctrl+C to stop only this web app. Open requests (the explorer's event streams) get 3 s to end on stop.
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port));
        var app = builder.Build();
        var baseUrl = $"http://localhost:{port}";
        var stopping = app.Lifetime.ApplicationStopping;
        if (explorer is not null)
        {
            // The explorer samples its live charts until the front end that serves it stops.
            app.Lifetime.ApplicationStopped.Register(explorer.Dispose);
        }

        app.Run(async context =>
        {
            if (explorer is not null && await explorer.TryHandleAsync(context, stopping).ConfigureAwait(false))
            {
                return;
            }

            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            var headers = context.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? "")));
            var result = await host.Http.SendAsync(
                context.Request.Method, context.Request.Path + context.Request.QueryString, buffer.ToArray(), headers, context.RequestAborted, baseUrl).ConfigureAwait(false);
            context.Response.StatusCode = (int)result.StatusCode;
            foreach (var group in result.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            {
                context.Response.Headers[group.Key] = group.Select(h => h.Value).ToArray();
            }

            await context.Response.Body.WriteAsync(result.Body, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(ct).ConfigureAwait(false);
        return app;
    }

    /// <summary>A lifetime that registers no signal handlers.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
