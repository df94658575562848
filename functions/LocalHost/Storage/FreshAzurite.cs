namespace Store.LocalHost.Storage;

/// <summary>
/// A new, empty, in-memory Azurite on free ports, owned by this process. Replay runs use one each so the exported state
/// holds exactly that run's tables (<see cref="Azurite.EnsureRunningAsync"/> would reuse an Azurite that is already running).
/// </summary>
public sealed class FreshAzurite : IAsyncDisposable
{
    private readonly Process _process;

    private FreshAzurite(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    /// <summary>Connection string of this Azurite.</summary>
    public string ConnectionString { get; }

    /// <summary>CPU time the Azurite (node) process has used so far (for benchmarks).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts a new, empty Azurite on free ports (installing the pinned npm package first when needed).</summary>
    public static async Task<FreshAzurite> StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var (process, connectionString) = await Azurite.StartNewAsync().ConfigureAwait(false);
        return new FreshAzurite(process, connectionString);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Azurite.Stop(_process);
        return ValueTask.CompletedTask;
    }
}
