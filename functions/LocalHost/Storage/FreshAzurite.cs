using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Store.TestSupport;

namespace Store.LocalHost.Storage;

/// <summary>
/// A new, empty, in-memory Azurite on free ports, owned by this process. Replay runs use one each so the exported state
/// holds exactly that run's tables (<see cref="Azurite.EnsureRunningAsync"/> would reuse an Azurite that is already running).
/// </summary>
public sealed class FreshAzurite : IAsyncDisposable
{
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;

    private FreshAzurite(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    /// <summary>Connection string of this Azurite.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts Azurite (tables and blobs only), running <c>npm ci</c> first when the pinned package is not installed.</summary>
    public static async Task<FreshAzurite> StartAsync(CancellationToken ct)
    {
        var root = Azurite.RepositoryRoot();
        var entry = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error") { WorkingDirectory = root, UseShellExecute = false })
                ?? throw new InvalidOperationException("Could not start npm to install Azurite.");
            await npm.WaitForExitAsync(ct).ConfigureAwait(false);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm ci' failed with exit code {npm.ExitCode} in {root}.");
            }
        }

        // A free port is only free until someone binds it: tests start several Azurites at once, so an Azurite that exits
        // before listening (its port was taken in between) is started again on new ports.
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        for (var attempt = 1; ; attempt++)
        {
            int blob = FreePort(), table = FreePort();
            var psi = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[]
                     {
                         entry,
                         "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
                         "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(CultureInfo.InvariantCulture),
                         "--queueHost", "127.0.0.1", "--queuePort", FreePort().ToString(CultureInfo.InvariantCulture),
                         "--tableHost", "127.0.0.1", "--tablePort", table.ToString(CultureInfo.InvariantCulture),
                     })
            {
                psi.ArgumentList.Add(arg);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line)
                {
                    errors.Enqueue(line);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var listening = false;
            while (!process.HasExited && DateTime.UtcNow <= deadline)
            {
                if (await IsListeningAsync(table).ConfigureAwait(false))
                {
                    listening = true;
                    break;
                }

                await Task.Delay(100, ct).ConfigureAwait(false);
            }

            if (listening)
            {
                return new FreshAzurite(process,
                    $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};" +
                    $"BlobEndpoint=http://127.0.0.1:{blob}/{DevAccount};TableEndpoint=http://127.0.0.1:{table}/{DevAccount};");
            }

            var exited = process.HasExited;
            Azurite.Stop(process);
            if (!exited || attempt == 3)
            {
                throw new InvalidOperationException(exited
                    ? $"Azurite exited before listening, {attempt} times: {string.Join(" | ", errors.TakeLast(5))}"
                    : "Azurite did not start listening within 60 s.");
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Azurite.Stop(_process);
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
