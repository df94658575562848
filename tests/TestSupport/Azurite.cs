using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Store.TestSupport;

/// <summary>Finds or starts Azurite; shared by the test fixture and the local host.</summary>
public static class Azurite
{
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Returns a connection string for a reachable Azurite, starting one when none is.</summary>
    public static async Task<string> EnsureRunningAsync(Action<Process> started)
    {
        if (Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING") is { Length: > 0 } configured)
        {
            return configured;
        }

        if (await IsListeningAsync(10002).ConfigureAwait(false) && await IsListeningAsync(10000).ConfigureAwait(false))
        {
            return ConnectionStringFor(10000, 10001, 10002);
        }

        var (process, connectionString) = await StartNewAsync().ConfigureAwait(false);
        started(process);
        return connectionString;
    }

    /// <summary>
    /// Test processes set this: <see cref="StartNewAsync"/> then hands out a new, empty storage account on one of a few
    /// Azurite processes shared by the whole test process, instead of starting a process per call. Each start of Azurite
    /// costs about 2.4 s of CPU (node loading its modules), and LocalHost.Tests started 25 per run. An account
    /// has its own tables, blobs and queues, so each caller still sees empty storage; <see cref="Stop"/> leaves a shared
    /// process running, and it exits with the test process (exit-with-parent.cjs).
    /// </summary>
    public static bool ShareProcesses { get; set; }

    private const int AccountsPerProcess = 128;
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static readonly List<(Process Process, int Blob, int Queue, int Table)> Shared = [];
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, bool> SharedProcesses = new();
    private static int _accountsHandedOut;

    /// <summary>
    /// Starts a new, empty Azurite on free ports (never one already running), installing the pinned package first when
    /// needed; with <see cref="ShareProcesses"/>, a new account on a shared one. The caller stops it with <see cref="Stop"/>.
    /// </summary>
    public static async Task<(Process Process, string ConnectionString)> StartNewAsync()
    {
        if (!ShareProcesses)
        {
            var (process, blob, queue, table) = await StartProcessAsync(accounts: null).ConfigureAwait(false);
            return (process, ConnectionStringFor(blob, queue, table));
        }

        await SharedGate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Round robin over one process per core (Azurite is single-threaded); when every process has handed out all its
            // accounts, the next round starts new ones.
            var cores = Environment.ProcessorCount;
            var (round, core) = Math.DivRem(_accountsHandedOut++, cores);
            var slot = core + (cores * (round / AccountsPerProcess));
            var account = round % AccountsPerProcess;
            while (Shared.Count <= slot)
            {
                var started = await StartProcessAsync(Enumerable.Range(0, AccountsPerProcess).Select(AccountName)).ConfigureAwait(false);
                SharedProcesses[started.Process] = true;
                Shared.Add(started);
            }

            var (process, blob, queue, table) = Shared[slot];
            return (process, ConnectionStringFor(blob, queue, table, AccountName(account)));
        }
        finally
        {
            SharedGate.Release();
        }
    }

    private static string AccountName(int index) => $"storetest{index:D3}";

    private static async Task<(Process Process, int Blob, int Queue, int Table)> StartProcessAsync(IEnumerable<string>? accounts)
    {
        var root = RepositoryRoot();
        var entry = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        await NodePackages.EnsureAsync(Path.Combine("node_modules", "azurite", "dist", "src", "azurite.js")).ConfigureAwait(false);

        // A free port can be taken by another process between probing and binding: start again on new ports then.
        for (var attempt = 1; ; attempt++)
        {
            Process? process = null;
            try
            {
                var (blob, queue, table) = await StartAsync(root, entry, accounts, p => process = p).ConfigureAwait(false);
                return (process!, blob, queue, table);
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<(int Blob, int Queue, int Table)> StartAsync(string root, string entry, IEnumerable<string>? accounts, Action<Process> started)
    {
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Kept open by this process: Azurite exits when it ends (see exit-with-parent.cjs).
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--require", Path.Combine(root, "tests", "TestSupport", "exit-with-parent.cjs"), entry, "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
                     // Azurite collects telemetry unless told not to: an Application Insights client that samples every
                     // request and tries to send it to Azure. Off: nothing leaves the machine, and each request costs less CPU.
                     "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        if (accounts is not null)
        {
            // Azurite's own variable for extra storage accounts ("name:key;name:key"); every account takes the development key.
            psi.Environment["AZURITE_ACCOUNTS"] = string.Join(';', accounts.Select(a => $"{a}:{DevKey}"));
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started(process);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await IsListeningAsync(table).ConfigureAwait(false) && await IsListeningAsync(blob).ConfigureAwait(false)))
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                string stderr;
                lock (errors)
                {
                    stderr = errors.ToString().Trim();
                }

                throw new AzuriteExitedException($"Azurite exited with code {process.ExitCode} before listening (node {entry}): {stderr}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Stop(process);
                throw new TimeoutException("Azurite did not start listening within 60 s.");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return (blob, queue, table);
    }

    /// <summary>Stops an Azurite this process started (a shared one keeps running for the other accounts).</summary>
    public static void Stop(Process? process)
    {
        if (process is null || SharedProcesses.ContainsKey(process))
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    /// <summary>The repository root: the nearest folder with package.json and Functions.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")) && File.Exists(Path.Combine(dir.FullName, "package.json")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Repository root (Functions.sln + package.json) not found above " + AppContext.BaseDirectory);
    }

    private static string ConnectionStringFor(int blob, int queue, int table, string account = DevAccount) =>
        $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={DevKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/{account};QueueEndpoint=http://127.0.0.1:{queue}/{account};TableEndpoint=http://127.0.0.1:{table}/{account};";

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

/// <summary>Azurite stopped before it listened (e.g. a port taken in the meantime); the message carries its stderr.</summary>
public sealed class AzuriteExitedException(string message) : InvalidOperationException(message);
