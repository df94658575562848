using Store.LocalHost;

using var signals = new ShutdownSignals(Console.Error);
try
{
    return await Cli.RunAsync(args, Console.Out, Console.Error, signals.Stopping);
}
catch (OperationCanceledException) when (signals.Requested)
{
    // Asked to stop (SIGTERM, SIGINT, Ctrl+C) and stopped cleanly: a success, as for any service.
    await Console.Error.WriteLineAsync("stopped.");
    return 0;
}
