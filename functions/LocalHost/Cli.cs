using System.CommandLine;
using System.CommandLine.Parsing;
using Store.LocalHost.Demo;
using Store.LocalHost.Rebuild;

namespace Store.LocalHost;

/// <summary>
/// The local host's command line (System.CommandLine): the demo (the default, or <c>demo</c>), <c>replay</c>,
/// <c>rebuild &lt;Context&gt;</c> and <c>deadletters list</c>, each with its own <c>--help</c>.
/// </summary>
public static class Cli
{
    /// <summary>The exit code of a command-line mistake.</summary>
    public const int UsageError = 2;

    private const string FaultsHelp = "Comma list of crash=<p> (the host dies after a batch, before its checkpoint), duplicate=<p> (a batch is "
        + "delivered twice), publish-fail=<p> (an Event Hubs publish fails with 503), table-fail=<p> (a Table request fails with 503), "
        + "e.g. crash=0.05,duplicate=0.1,publish-fail=0.3,table-fail=0.1.";

    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var parse = Root(output, error).Parse(args);
        if (parse.Action is not { ClearsParseErrors: true } && Problem(parse) is { } problem)
        {
            var path = string.Join(' ', CommandPath(parse.CommandResult).Append("--help"));
            await error.WriteLineAsync($"error: {problem} Try '{path}'.").ConfigureAwait(false);
            return UsageError;
        }

        // Signals are ShutdownSignals' job (a second Ctrl+C forces the exit), and a cancelled run must reach Program, which
        // reports a requested stop as success: the library neither hooks termination nor catches exceptions here.
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(invocation, ct).ConfigureAwait(false);
    }

    /// <summary>The command tree; actions write to <paramref name="output"/> and <paramref name="error"/>.</summary>
    internal static RootCommand Root(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "The local host: every context of the store in one process, an in-process Event Hubs log and Azurite for state "
            + "(functions/LocalHost/README.md). Without a command it runs the demo.");
        AddDemo(root, output, error);
        var demo = new Command("demo", "Runs every context (Azurite started when none is reachable), drives a seeded store scenario through "
            + "the HTTP functions and prints what happened (the default command).");
        AddDemo(demo, output, error);
        root.Add(demo);
        root.Add(Replay(output, error));
        root.Add(RebuildCommandLine(output, error));
        root.Add(DeadLetters(output, error));
        return root;
    }

    private static void AddDemo(Command command, TextWriter output, TextWriter error)
    {
        var serve = new Option<bool>("--serve") { Description = "Keep serving http://localhost:<port>/api/... afterwards until SIGTERM or Ctrl+C (a second one forces the exit)." };
        var port = Int("--port", "Port of the HTTP functions.", 7071, NumberStyles.None, n => n is >= 1 and <= 65535, "a port number (1-65535)");
        var orders = Int("--orders", "Orders the scenario places.", 300, NumberStyles.None, n => n >= 1, "a positive number");
        var faults = FaultsOption();
        var fresh = new Option<bool>("--fresh-azurite") { Description = "Start a new in-memory Azurite even when one is running." };
        var seed = Seed();
        foreach (var option in new Option[] { serve, port, orders, faults, fresh, seed })
        {
            command.Add(option);
        }

        command.SetAction((r, ct) => DemoCommand.RunAsync(
            new DemoOptions(r.GetValue(port), r.GetValue(serve), r.GetValue(seed), r.GetValue(orders)) { Faults = r.GetValue(faults)!, FreshAzurite = r.GetValue(fresh) },
            output, error, ct));
    }

    private static Command Replay(TextWriter output, TextWriter error)
    {
        var input = Text("--input", "file.jsonl", "Lines {\"stream\":\"<hub>\",\"partitionKey\":\"<key or null>\",\"body\":<JSON>}, each appended to its hub.", required: true);
        var to = Text("--out", "dir", "Writes <dir>/streams/<hub>.jsonl, <dir>/state/<context>/<table>.jsonl and <dir>/summary.json.", required: true);
        var faults = FaultsOption();
        var seed = Seed();
        var redeliver = Valued<DeadLetterSelection?>("--redeliver-dead-letters", "Context|all[:id,id...]",
            "Then re-inject the selected dead letters into their original consumer only (partition \"dlq-<partition>-<seq>\") and run to quiescence again.",
            s => Prefixed("--redeliver-dead-letters", s, DeadLetterSelection.Parse));
        var retain = Valued<int?>("--retain", "n", "By then each partition keeps only its last n events live; the rest moves to <dir>/capture/ (Event Hubs Capture layout, Avro).",
            s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"--retain '{s}' is not a number of events per partition (0 or more)."));
        var late = Valued("--start-late", "Context[,Context...]", "Those contexts' consumers start only after every other consumer caught up (from the archive, then live).", Contexts);
        late.DefaultValueFactory = _ => [];
        var replay = new Command("replay", "Appends each input line to its hub, runs all contexts until every consumer caught up and writes the streams, the state and a summary.")
        {
            input, to, faults, seed, redeliver, retain, late,
        };
        replay.SetAction((r, ct) => ReplayCommand.RunReplayAsync(
            new ReplayOptions(r.GetValue(input)!, r.GetValue(to)!, r.GetValue(faults)!, r.GetValue(seed))
            {
                RedeliverDeadLetters = r.GetValue(redeliver),
                Retain = r.GetValue(retain),
                StartLate = r.GetValue(late)!,
            },
            output, error, ct));
        return replay;
    }

    private static Command RebuildCommandLine(TextWriter output, TextWriter error)
    {
        var context = new Argument<string>("Context") { Description = "The context whose state is rebuilt." };
        var dir = Text("--dir", "replay-out-dir", "Rebuild from <dir>/capture/ alone into <dir>/rebuilt/state/<Context>/.");
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the tables it would delete, the checkpoints it would reset and the capture files and sequence ranges it would read." };
        var azure = new Option<bool>("--azure") { Description = "Rebuild against Azure (the app's Event Hubs triggers disabled), with Entra ID (DefaultAzureCredential)." };
        var archive = Text("--archive", "blob endpoint", "With --azure: the archive account's blob endpoint (a connection string for Azurite).");
        var state = Text("--state", "table endpoint", "With --azure: the context's state account's table endpoint (or connection string).");
        var hostStorage = Text("--host-storage", "blob endpoint", "With --azure: the context app's host storage blob endpoint (or connection string).");
        var namespaces = Valued<IReadOnlyDictionary<string, string>>("--namespaces", "domain=FQDN[,...]",
            "With --azure: the Event Hubs namespace of each domain, or azd's EVENTHUB_NAMESPACES JSON.", ParseNamespaces);
        var rebuild = new Command("rebuild", "Rebuilds a context's state from the capture archive alone: fresh tables, no checkpoints, bootstrap through its functions.")
        {
            context, dir, dryRun, azure, archive, state, hostStorage, namespaces,
        };
        rebuild.Validators.Add(r =>
        {
            Option[] remote = [archive, state, hostStorage, namespaces];
            if (!r.GetValue(azure))
            {
                foreach (var option in remote.Where(o => r.GetResult(o) is not null))
                {
                    r.AddError($"{option.Name} is for rebuild --azure.");
                }

                if (r.GetResult(dir) is null)
                {
                    r.AddError("rebuild needs --dir <replay-out-dir>, or --azure and its endpoints.");
                }

                return;
            }

            if (r.GetResult(dir) is not null)
            {
                r.AddError("--dir is for the local rebuild, not with --azure.");
            }

            foreach (var option in remote.Where(o => r.GetResult(o) is null))
            {
                r.AddError($"rebuild --azure needs {option.Name} <{option.HelpName}>.");
            }
        });
        rebuild.SetAction(async (r, ct) =>
        {
            var name = r.GetValue(context)!;
            if (!r.GetValue(azure))
            {
                return await RebuildCommand.RunAsync(new RebuildOptions(name, r.GetValue(dir)!, r.GetValue(dryRun)), output, error, ct).ConfigureAwait(false);
            }

            var options = new AzureRebuildOptions(name, new StorageAddress(r.GetValue(archive)!), new StorageAddress(r.GetValue(state)!),
                new StorageAddress(r.GetValue(hostStorage)!), r.GetValue(namespaces)!, r.GetValue(dryRun));
            var credential = new Azure.Identity.DefaultAzureCredential();
            await using var live = new EventHubsLiveHubs(credential);
            return await new AzureRebuild(options, live, credential).RunAsync(output, error, ct).ConfigureAwait(false);
        });
        return rebuild;
    }

    private static Command DeadLetters(TextWriter output, TextWriter error)
    {
        var dir = Text("--dir", "replay-out-dir", "The output directory of a replay run.", required: true);
        var context = Text("--context", "Context", "Only this context's dead letters.");
        var list = new Command("list", "Lists <dir>/streams/dead-letters.jsonl: id, consumer, group, source hub/partition#seq, error kind, message, time.") { dir, context };
        list.SetAction((r, _) => DeadLettersCommand.ListAsync(r.GetValue(dir)!, r.GetValue(context), output, error));
        return new Command("deadletters", "Dead letters of a replay run (redelivery is replay --redeliver-dead-letters).") { list };
    }

    /// <summary><c>sales=evhns-sales-x.servicebus.windows.net,...</c> or the JSON object azd outputs as EVENTHUB_NAMESPACES; throws <see cref="FormatException"/>.</summary>
    public static IReadOnlyDictionary<string, string> ParseNamespaces(string value)
    {
        Dictionary<string, string> result;
        if (value.TrimStart().StartsWith('{'))
        {
            try
            {
                result = JsonSerializer.Deserialize<Dictionary<string, string>>(value) ?? [];
            }
            catch (JsonException ex)
            {
                throw new FormatException($"--namespaces: not a JSON object of strings ({ex.Message}).", ex);
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
                    throw new FormatException($"--namespaces: '{pair}' is not a new <domain>=<namespace FQDN> pair.");
                }
            }
        }

        var domains = EventCatalog.Current.Domains.Select(d => d.Name).ToList();
        if (result.FirstOrDefault(p => !domains.Contains(p.Key) || !p.Value.Contains('.', StringComparison.Ordinal)) is { Key: not null } bad)
        {
            throw new FormatException($"--namespaces: '{bad.Key}={bad.Value}' is not <domain>=<namespace FQDN> (domains: {string.Join(", ", domains)}).");
        }

        return result;
    }

    private static string[] Contexts(string value)
    {
        var contexts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var known = EventCatalog.Current.Contexts.Select(c => c.Name).ToList();
        return contexts.FirstOrDefault(c => !known.Contains(c)) is { } unknown
            ? throw new FormatException($"--start-late: unknown context '{unknown}' (contexts: {string.Join(", ", known)}).")
            : contexts;
    }

    /// <summary>
    /// The one-line description of what is wrong with the command line, or null. An unmatched token is named with the
    /// command's own options or subcommands (the library's text only says "unrecognized"), and only it: it usually is the
    /// cause of the other errors.
    /// </summary>
    private static string? Problem(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"unknown option '{token}' (options here: {string.Join(", ", command.Options.Select(o => o.Name))})."
                : command.Subcommands.Count == 0 ? $"unexpected argument '{token}'."
                : $"unknown {(command is RootCommand ? "command" : command.Name + " subcommand")} '{token}' (use: {string.Join(", ", command.Subcommands.Select(c => c.Name))}).";
        }

        return parse.Errors.Count == 0 ? null : string.Join(" ", parse.Errors.Select(e => e.SymbolResult switch
        {
            OptionResult { IdentifierToken: null } o => $"{command.Name} needs {o.Option.Name} <{o.Option.HelpName}>.",
            OptionResult { Tokens.Count: 0, Option.Arity.MinimumNumberOfValues: > 0 } o => $"{o.Option.Name} needs a value.",
            CommandResult { Command: { Action: null, Subcommands.Count: > 0 } c } => $"{c.Name} needs a subcommand: {string.Join(", ", c.Subcommands.Select(s => s.Name))}.",
            _ => e.Message,
        }).Distinct(StringComparer.Ordinal));
    }

    private static IEnumerable<string> CommandPath(CommandResult? result) =>
        result is null or { Command: RootCommand } ? [] : CommandPath(result.Parent as CommandResult).Append(result.Command.Name);

    private static Option<FaultOptions> FaultsOption()
    {
        var faults = Valued("--faults", "faults", FaultsHelp, FaultOptions.Parse);
        faults.DefaultValueFactory = _ => FaultOptions.None;
        return faults;
    }

    private static Option<int> Seed() => Int("--seed", "Seed of the scenario and of the injected faults.", 1, NumberStyles.AllowLeadingSign, _ => true, "an integer");

    private static Option<string> Text(string name, string helpName, string description, bool required = false) =>
        new(name) { HelpName = helpName, Description = description, Required = required };

    private static Option<int> Int(string name, string description, int fallback, NumberStyles styles, Func<int, bool> valid, string what)
    {
        var option = Valued(name, "n", description, s => int.TryParse(s, styles, CultureInfo.InvariantCulture, out var n) && valid(n) ? n : throw new FormatException($"{name} '{s}' is not {what}."));
        option.DefaultValueFactory = _ => fallback;
        return option;
    }

    /// <summary>An option whose value <paramref name="parse"/> converts; its <see cref="FormatException"/> becomes the parse error.</summary>
    private static Option<T> Valued<T>(string name, string helpName, string description, Func<string, T> parse) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = r =>
        {
            try
            {
                return parse(r.Tokens.Count > 0 ? r.Tokens[^1].Value : "");
            }
            catch (FormatException ex)
            {
                r.AddError(ex.Message);
                return default;
            }
        },
    };

    private static T Prefixed<T>(string name, string value, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{name}: {ex.Message}", ex);
        }
    }
}
