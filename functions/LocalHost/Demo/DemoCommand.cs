namespace Store.LocalHost.Demo;

/// <summary>The arguments of <c>demo</c>.</summary>
public sealed record DemoOptions(int Port, bool Serve, int Seed, int Orders)
{
    /// <summary>Injected faults (publish and Table failures reach the HTTP functions too).</summary>
    public FaultOptions Faults { get; init; } = FaultOptions.None;

    /// <summary>Wall-clock seconds per second of the timer schedules and relay thresholds (0.05: the relay runs every 3 s and publishes outboxes pending for 3 s).</summary>
    public double TimerTimeScale { get; init; } = 0.05;

    /// <summary>Start a new in-memory Azurite even when one is listening on the default ports.</summary>
    public bool FreshAzurite { get; init; }
}

/// <summary>
/// The default command: runs every context, drives a seeded store scenario through the HTTP functions (stock receipts,
/// orders over many customers incl. ones that exceed stock or the payment limit, cancellations, invalid requests,
/// malformed events written straight to hubs), lets Loyalty join late and catch up from the start, and prints a summary.
/// </summary>
public static class DemoCommand
{
    /// <summary>Runs the demo; returns the exit code.</summary>
    public static async Task<int> RunAsync(DemoOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        // In process, as an OpenTelemetry exporter would: the kit's spans and the host's HTTP server spans, for one order's trace.
        using var traces = new TraceRecorder();
        Process? azurite = null;
        WebApplication? kestrel = null;
        LocalFunctionsHost? host = null;
        try
        {
            await output.WriteLineAsync("Local host: finding or starting Azurite...").ConfigureAwait(false);
            string storage;
            if (options.FreshAzurite)
            {
                (azurite, storage) = await Azurite.StartNewAsync().ConfigureAwait(false);
            }
            else
            {
                storage = await Azurite.EnsureRunningAsync(p => azurite = p).ConfigureAwait(false);
            }

            await output.WriteLineAsync(azurite is null ? "  using the Azurite that is already running" : $"  started Azurite (pid {azurite.Id}, in memory)").ConfigureAwait(false);

            var outage = options.Faults.PublishFail > 0 || options.Faults.TableFail > 0;
            host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(storage)
            {
                Error = error,
                RetryDelayScale = 0.1,
                TimerTimeScale = options.TimerTimeScale,
                Faults = options.Faults,
                Seed = options.Seed,
                LogRetries = !outage,
                ContextLogLevel = outage ? Microsoft.Extensions.Logging.LogLevel.Critical : Microsoft.Extensions.Logging.LogLevel.Error,
            }, ct).ConfigureAwait(false);
            host.StartTimers();
            await output.WriteLineAsync($"  host.json: {host.Options.HostSettings}").ConfigureAwait(false);
            if (options.Faults.Any)
            {
                await output.WriteLineAsync($"  injected faults: {options.Faults} (seed {options.Seed}); timers and relay thresholds at {options.TimerTimeScale}x wall time").ConfigureAwait(false);
            }
            foreach (var app in host.Apps)
            {
                await output.WriteLineAsync($"  {app.Name}: {(app.Functions.Count == 0 ? "(no functions found)" : string.Join("; ", app.Functions))}").ConfigureAwait(false);
            }

            try
            {
                kestrel = await KestrelFrontEnd.StartAsync(host, options.Port, ct, options.Serve ? new EventExplorer(host, traces) : null).ConfigureAwait(false);
                await output.WriteLineAsync($"  HTTP functions on http://localhost:{options.Port}/api/ ({string.Join(", ", host.Http.Describe())})").ConfigureAwait(false);
                if (options.Serve)
                {
                    await output.WriteLineAsync($"  event explorer on http://localhost:{options.Port}/ (JSON API under /explorer/api/)").ConfigureAwait(false);
                }
            }
            catch (IOException ex)
            {
                if (options.Serve)
                {
                    await error.WriteLineAsync($"error: cannot listen on port {options.Port}: {ex.Message} (choose another with --port).").ConfigureAwait(false);
                    return 1;
                }

                await error.WriteLineAsync($"warning: port {options.Port} is busy ({ex.Message}); the demo calls the HTTP functions in process only.").ConfigureAwait(false);
            }

            var scenario = new DemoScenario(host, options, output, kestrel is null ? null : $"http://localhost:{options.Port}", traces);
            await scenario.RunAsync(ct).ConfigureAwait(false);
            await scenario.PrintSummaryAsync(wall.Elapsed, ct).ConfigureAwait(false);

            if (options.Serve && kestrel is not null)
            {
                await output.WriteLineAsync($"Serving http://localhost:{options.Port}/api/ until SIGTERM or Ctrl+C (e.g. curl http://localhost:{options.Port}/api/orders/<id>).").ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }

            return host.Stats.Any(s => s.Failed > 0) ? 1 : 0;
        }
        finally
        {
            if (kestrel is not null)
            {
                await kestrel.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await kestrel.DisposeAsync().ConfigureAwait(false);
            }

            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            Azurite.Stop(azurite);
        }
    }
}
