using Store.LocalHost.Demo;
using Store.LocalHost.Rebuild;

namespace Store.LocalHost;

/// <summary>A command-line mistake; the message says what is wrong.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The local host's command line: <c>[demo] [--serve] [--port n]</c> (default) and <c>replay --input f --out d [--faults ...] [--seed n]</c>.</summary>
public static class Cli
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        Usage:
          dotnet run --project functions/LocalHost [-- demo] [--serve] [--port <n>] [--orders <n>] [--faults <faults>] [--fresh-azurite]
              Runs every context in process (Azurite started when none is reachable), drives a seeded store scenario
              through the HTTP functions and prints what happened. --serve keeps serving http://localhost:<port>/api/...
              afterwards (default port 7071) until SIGTERM or Ctrl+C (a second one forces the exit). --fresh-azurite starts
              a new in-memory Azurite even when one is running.
          dotnet run --project functions/LocalHost -- replay --input <file.jsonl> --out <dir> [--faults <faults>] [--seed <n>]
                                                     [--redeliver-dead-letters <Context|all>[:id,id...]]
                                                     [--retain <events per partition>] [--start-late <Context>[,<Context>...]]
              Appends each line {"stream":"<hub>","partitionKey":"<key or null>","body":<JSON>} to its hub, runs all
              contexts until every consumer caught up, writes <dir>/streams/<hub>.jsonl, <dir>/state/<context>/<table>.jsonl
              and <dir>/summary.json. --redeliver-dead-letters then re-injects the selected dead letters of that run into
              their original consumer only (partition "dlq-<partition>-<seq>"), runs to quiescence again and only then writes.
              --start-late: those contexts' consumers start only after every other consumer caught up. --retain n: by then
              each partition keeps only its last n events live, the rest moves to <dir>/capture/ (Event Hubs Capture layout,
              Avro); late consumers bootstrap from it, then continue live. At the end the archive holds every event.
          dotnet run --project functions/LocalHost -- rebuild <Context> --dir <replay-out-dir> [--dry-run]
              Rebuilds the context's state from <dir>/capture/ alone: fresh tables, no checkpoints, bootstrap through its
              functions; writes <dir>/rebuilt/state/<Context>/. --dry-run prints the tables it would delete and the capture
              files and sequence ranges it would read.
          dotnet run --project functions/LocalHost -- rebuild <Context> --azure --archive <blob endpoint> --state <table endpoint>
                                                     --host-storage <blob endpoint> --namespaces <domain>=<FQDN>[,...] [--dry-run]
              The same rebuild against Azure (the app's Event Hubs triggers disabled): reads the capture blobs of every
              consumed hub up to the live hub's first sequence number (refuses on a gap), deletes every row of the context's
              tables and its checkpoints, bootstraps through its functions (outputs published with their original ids) and
              writes each partition's checkpoint at the switchover. Entra ID (DefaultAzureCredential), no keys; connection
              strings instead of endpoints for Azurite. --namespaces also takes azd's EVENTHUB_NAMESPACES JSON.
          dotnet run --project functions/LocalHost -- deadletters list --dir <replay-out-dir> [--context <Context>]
              Lists <dir>/streams/dead-letters.jsonl: id, consumer, group, source hub/partition#seq, error kind, message, time.
        <faults>: comma list of crash=<p> (host dies after a batch, before its checkpoint), duplicate=<p> (batch
              delivered twice), publish-fail=<p> (an Event Hubs publish fails with 503), table-fail=<p> (a Table request
              fails with 503), e.g. crash=0.05,duplicate=0.1,publish-fail=0.3,table-fail=0.1
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        try
        {
            var (command, options) = Parse(args.Length > 1 && (args[0] == "deadletters" || (args[0] == "rebuild" && !args[1].StartsWith("--", StringComparison.Ordinal))) ? [args[0], .. args[2..]] : args);
            switch (command)
            {
                case "deadletters":
                    return await RunDeadLettersAsync(args.Length > 1 ? args[1] : null, options, output, error).ConfigureAwait(false);
                case "help":
                    await output.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 0;
                case "rebuild":
                    if (args.Length < 2 || args[1].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new UsageException("rebuild needs a context: rebuild <Context> --dir <replay-out-dir> [--dry-run], or rebuild <Context> --azure ... (see usage).");
                    }

                    if (options.ContainsKey("azure"))
                    {
                        return await RunAzureRebuildAsync(args[1], options, output, error, ct).ConfigureAwait(false);
                    }

                    Reject(options, "dir", "dry-run");

                    if (!options.TryGetValue("dir", out var dir) || string.IsNullOrWhiteSpace(dir))
                    {
                        throw new UsageException("rebuild needs --dir <replay-out-dir>.");
                    }

                    return await RebuildCommand.RunAsync(new RebuildOptions(args[1], dir, options.ContainsKey("dry-run")), output, error, ct).ConfigureAwait(false);
                case "replay":
                    return await ReplayCommand.RunReplayAsync(ParseReplay(options), output, error, ct).ConfigureAwait(false);
                default:
                    Reject(options, "port", "serve", "seed", "orders", "faults", "fresh-azurite");
                    return await DemoCommand.RunAsync(ParseDemo(options), output, error, ct).ConfigureAwait(false);
            }
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>Splits the command and its --options (flags get "true").</summary>
    public static (string Command, Dictionary<string, string> Options) Parse(string[] args)
    {
        var command = "demo";
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (i == 0 && !arg.StartsWith('-'))
            {
                command = arg.ToLowerInvariant() switch
                {
                    "demo" or "replay" or "deadletters" or "rebuild" or "help" => arg.ToLowerInvariant(),
                    _ => throw new UsageException($"unknown command '{arg}' (commands: demo, replay, deadletters, rebuild, help)."),
                };
                continue;
            }

            if (arg is "-h" or "--help" or "-?")
            {
                command = "help";
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}'.");
            }

            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (name is "serve" or "dry-run" or "fresh-azurite" or "azure")
            {
                value = "true";
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"--{name} needs a value.");
            }

            if (!options.TryAdd(name, value))
            {
                throw new UsageException($"--{name} is given twice.");
            }
        }

        return (command, options);
    }

    /// <summary>Validates the replay options.</summary>
    public static ReplayOptions ParseReplay(Dictionary<string, string> options)
    {
        Reject(options, "input", "out", "faults", "seed", "redeliver-dead-letters", "retain", "start-late");
        if (!options.TryGetValue("input", out var input) || string.IsNullOrWhiteSpace(input))
        {
            throw new UsageException("replay needs --input <file.jsonl>.");
        }

        if (!options.TryGetValue("out", out var output) || string.IsNullOrWhiteSpace(output))
        {
            throw new UsageException("replay needs --out <dir>.");
        }

        FaultOptions faults;
        try
        {
            faults = options.TryGetValue("faults", out var f) ? FaultOptions.Parse(f) : FaultOptions.None;
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        DeadLetterSelection? redeliver = null;
        if (options.TryGetValue("redeliver-dead-letters", out var selection))
        {
            try
            {
                redeliver = DeadLetterSelection.Parse(selection);
            }
            catch (FormatException ex)
            {
                throw new UsageException("--redeliver-dead-letters: " + ex.Message);
            }
        }

        int? retain = null;
        if (options.TryGetValue("retain", out var r))
        {
            retain = int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new UsageException($"--retain '{r}' is not a number of events per partition (0 or more).");
        }

        var late = options.TryGetValue("start-late", out var l)
            ? l.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        var catalogContexts = Store.Eventing.Catalog.EventCatalog.Current.Contexts.Select(c => c.Name).ToList();
        if (late.FirstOrDefault(c => !catalogContexts.Contains(c)) is { } unknown)
        {
            throw new UsageException($"--start-late: unknown context '{unknown}' (contexts: {string.Join(", ", catalogContexts)}).");
        }

        return new ReplayOptions(input, output, faults, Seed(options)) { RedeliverDeadLetters = redeliver, Retain = retain, StartLate = late };
    }

    private static Task<int> RunDeadLettersAsync(string? subcommand, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        if (subcommand is not "list")
        {
            throw new UsageException(subcommand is null || subcommand.StartsWith('-')
                ? "deadletters needs a subcommand: list (redelivery is replay --redeliver-dead-letters)."
                : $"unknown deadletters subcommand '{subcommand}' (use: list; redelivery is replay --redeliver-dead-letters).");
        }

        Reject(options, "dir", "context");
        if (!options.TryGetValue("dir", out var dir) || string.IsNullOrWhiteSpace(dir))
        {
            throw new UsageException("deadletters list needs --dir <replay-out-dir>.");
        }

        return DeadLettersCommand.ListAsync(dir, options.TryGetValue("context", out var context) ? context : null, output, error);
    }

    private static async Task<int> RunAzureRebuildAsync(string context, Dictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var rebuild = ParseAzureRebuild(context, options);
        var credential = new Azure.Identity.DefaultAzureCredential();
        await using var live = new EventHubsLiveHubs(credential);
        return await new AzureRebuild(rebuild, live, credential).RunAsync(output, error, ct).ConfigureAwait(false);
    }

    /// <summary>Validates the options of <c>rebuild &lt;Context&gt; --azure</c>.</summary>
    public static AzureRebuildOptions ParseAzureRebuild(string context, Dictionary<string, string> options)
    {
        Reject(options, "azure", "archive", "state", "host-storage", "namespaces", "dry-run");
        string Required(string name, string what) =>
            options.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : throw new UsageException($"rebuild --azure needs --{name} <{what}>.");

        var archive = Required("archive", "archive account blob endpoint or connection string");
        var state = Required("state", "the context's state account table endpoint or connection string");
        var hostStorage = Required("host-storage", "the context app's host storage blob endpoint or connection string");
        var namespaces = ParseNamespaces(Required("namespaces", "domain=namespace FQDN,... or azd's EVENTHUB_NAMESPACES JSON"));
        return new AzureRebuildOptions(context, new StorageAddress(archive), new StorageAddress(state), new StorageAddress(hostStorage), namespaces, options.ContainsKey("dry-run"));
    }

    /// <summary><c>sales=evhns-sales-x.servicebus.windows.net,...</c> or the JSON object azd outputs as EVENTHUB_NAMESPACES.</summary>
    public static IReadOnlyDictionary<string, string> ParseNamespaces(string value)
    {
        Dictionary<string, string> result;
        if (value.TrimStart().StartsWith('{'))
        {
            try
            {
                result = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(value) ?? [];
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new UsageException($"--namespaces: not a JSON object of strings ({ex.Message}).");
            }
        }
        else
        {
            result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == pair.Length - 1 || !result.TryAdd(pair[..eq], pair[(eq + 1)..]))
                {
                    throw new UsageException($"--namespaces: '{pair}' is not a new <domain>=<namespace FQDN> pair.");
                }
            }
        }

        var domains = Store.Eventing.Catalog.EventCatalog.Current.Domains.Select(d => d.Name).ToList();
        if (result.FirstOrDefault(p => !domains.Contains(p.Key) || !p.Value.Contains('.', StringComparison.Ordinal)) is { Key: not null } bad)
        {
            throw new UsageException($"--namespaces: '{bad.Key}={bad.Value}' is not <domain>=<namespace FQDN> (domains: {string.Join(", ", domains)}).");
        }

        return result;
    }

    private static DemoOptions ParseDemo(Dictionary<string, string> options)
    {
        var port = 7071;
        if (options.TryGetValue("port", out var p) && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new UsageException($"--port '{p}' is not a port number (1-65535).");
        }

        var orders = 300;
        if (options.TryGetValue("orders", out var o) && (!int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out orders) || orders < 1))
        {
            throw new UsageException($"--orders '{o}' is not a positive number.");
        }

        var serve = options.TryGetValue("serve", out var s) && !string.Equals(s, "false", StringComparison.OrdinalIgnoreCase);
        FaultOptions faults;
        try
        {
            faults = options.TryGetValue("faults", out var f) ? FaultOptions.Parse(f) : FaultOptions.None;
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        var fresh = options.TryGetValue("fresh-azurite", out var fa) && !string.Equals(fa, "false", StringComparison.OrdinalIgnoreCase);
        return new DemoOptions(port, serve, Seed(options), orders) { Faults = faults, FreshAzurite = fresh };
    }

    private static int Seed(Dictionary<string, string> options) =>
        !options.TryGetValue("seed", out var s) ? 1
        : int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed) ? seed
        : throw new UsageException($"--seed '{s}' is not an integer.");

    private static void Reject(Dictionary<string, string> options, params string[] allowed)
    {
        var unknown = options.Keys.Where(k => !allowed.Contains(k, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"unknown option(s) {string.Join(", ", unknown.Select(u => "--" + u))} (allowed here: {string.Join(", ", allowed.Select(a => "--" + a))}).");
        }
    }
}
