using Store.LocalHost;

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C stops gracefully (Azurite and Kestrel are shut down); a second one kills the process.
    if (!stopping.IsCancellationRequested)
    {
        e.Cancel = true;
        stopping.Cancel();
    }
};

try
{
    return await Cli.RunAsync(args, Console.Out, Console.Error, stopping.Token);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    return 130;
}
