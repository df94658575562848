using System.Runtime.InteropServices;

namespace Store.LocalHost;

/// <summary>
/// SIGTERM, SIGINT (Ctrl+C) and SIGQUIT stop the local host: the first cancels <see cref="Stopping"/>, so the running
/// command shuts down gracefully (in-flight batches end without a checkpoint, Kestrel and Azurite stop, exit 0); a
/// second one forces the exit at once. Azurite exits with this process in any case (tests/TestSupport/exit-with-parent.cjs).
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    /// <summary>Exit code of a forced stop (second signal): 128 + SIGINT, as shells report an interrupted command.</summary>
    public const int ForcedExitCode = 130;

    private readonly CancellationTokenSource _stopping = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TextWriter _error;
    private int _signals;

    /// <summary>Takes over the stop signals (the Kestrel front end registers none of its own).</summary>
    public ShutdownSignals(TextWriter error)
    {
        _error = error;
        _registrations = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    /// <summary>Cancelled by the first stop signal.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>True once a stop signal arrived.</summary>
    public bool Requested => _stopping.IsCancellationRequested;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            _error.WriteLine($"{context.Signal}: stopping (in-flight batches are abandoned without a checkpoint); signal again to force the exit.");
            _stopping.Cancel();
            return;
        }

        _error.WriteLine($"{context.Signal} again: exiting now.");
        Environment.Exit(ForcedExitCode);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stopping.Dispose();
    }
}
